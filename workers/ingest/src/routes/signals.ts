import { Hono } from "hono";
import { newId } from "#core/ids";
import { type Signal, signalSchema } from "#core/ingest-schemas";
import type { QueueMessage } from "#core/queue-messages";
import { LIMITS } from "#core/limits";
import { ingestBatch } from "../ingest-batch";
import type { IngestContext } from "../ingest-env";

export const signalRoutes = new Hono<IngestContext>().post("/", (c) =>
	ingestBatch(c, {
		listName: "signals",
		idField: "signal_id",
		schema: signalSchema,
		maxItems: LIMITS.signalsPerBatch,
		maxItemBytes: LIMITS.eventBytes,
		toMessage: signalMessage,
	}),
);

/** The queued form of an accepted signal. The id is fixed here, before enqueueing, so a redelivered message stores one row. */
export function signalMessage(signal: Signal, { projectId, receivedAt }: { projectId: string; receivedAt: number }): QueueMessage {
	return {
		v: 1,
		type: "signal",
		project_id: projectId,
		received_at: receivedAt,
		signal: { ...signal, signal_id: signal.signal_id ?? newId("sig"), timestamp: signal.timestamp ?? receivedAt },
	};
}
