import type { PayloadRef, QueueMessage } from "#core/queue-messages";
import { enqueue, enqueueOptions } from "#shared/queue/enqueue";
import { staleTraceEvents } from "../ingest-batch/otel-trace-parts";

export interface TraceTimeoutEnv {
	DB: D1Database;
	EVENTS_QUEUE?: Queue;
	QUEUE_JOURNAL?: string;
}

/**
 * OpenTelemetry traces whose turn span never came settle with what arrived, once nothing new came for
 * TRACE_SETTLE_MS: their events go through the events queue (stored, detected and counted like any
 * event; their ids make a re-send harmless), then the parts are marked settled, unless a part came
 * meanwhile. Settled parts are forgotten after a day.
 */
export async function settleStaleTraces(env: TraceTimeoutEnv, now: number): Promise<{ events: number }> {
	if (!env.EVENTS_QUEUE) return { events: 0 };
	const { events, marks } = await staleTraceEvents(env.DB, now);
	if (events.length) await enqueue(env.EVENTS_QUEUE as Queue<QueueMessage | PayloadRef>, env.DB, events, enqueueOptions(env));
	await env.DB.batch(marks);
	return { events: events.length };
}
