import { Hono } from "hono";
import { aiEventSchema } from "#core/ingest-schemas";
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
		toMessage: (event, { projectId, receivedAt }) => ({
			v: 1,
			type: "event",
			project_id: projectId,
			received_at: receivedAt,
			event: { ...event, timestamp: event.timestamp ?? receivedAt },
		}),
	}),
);
