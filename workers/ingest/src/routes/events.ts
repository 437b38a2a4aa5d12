import { Hono } from "hono";
import { type AiEvent, aiEventSchema } from "#core/ingest-schemas";
import type { QueueMessage } from "#core/queue-messages";
import { LIMITS } from "#core/limits";
import { ingestBatch } from "../ingest-batch";
import type { IngestContext } from "../ingest-env";

export const eventRoutes = new Hono<IngestContext>().post("/", (c) =>
	ingestBatch(c, {
		listName: "events",
		idField: "event_id",
		schema: aiEventSchema,
		maxItems: LIMITS.eventsPerBatch,
		maxItemBytes: LIMITS.eventBytes,
		toMessage: eventMessage,
	}),
);

/** The queued form of an accepted event (also of a Raindrop one): without a timestamp, it happened when received. */
export function eventMessage(event: AiEvent, { projectId, receivedAt }: { projectId: string; receivedAt: number }): QueueMessage {
	return { v: 1, type: "event", project_id: projectId, received_at: receivedAt, event: { ...event, timestamp: event.timestamp ?? receivedAt } };
}
