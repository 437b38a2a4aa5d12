import { QUEUE_MESSAGE_BYTES } from "#core/limits";
import { chunkForSendBatch, queueBytes } from "#core/queue-batching";
import { type PayloadRef, payloadIdOf, payloadRefOf, type QueueMessage } from "#core/queue-messages";
import { ApiError } from "../http/api-error";

export interface EnqueueOptions {
	/**
	 * Park every message in D1 before it is queued, not only the large ones (`QUEUE_JOURNAL = "d1"`,
	 * local development): miniflare's queue lives in memory, so what ingest acknowledged would die
	 * with the process; the detect worker re-sends journal rows nobody consumed (queue-journal.ts).
	 * Cloudflare Queues persist a message before `send` resolves, so production needs no journal.
	 */
	journal?: boolean;
}

const UNAVAILABLE = () => new ApiError(503, "queue_unavailable", "Could not enqueue the batch; retry it (ids make retries safe).");

/**
 * Sends messages in as many sendBatch calls as the Queue limits require, and resolves only when
 * every message is durably queued: the route answers 202 after this. If a call fails the client
 * gets a 503 and retries the whole request; ids make that safe, because the consumer stores each
 * event_id / signal_id once. A message too large for the queue is parked in D1 first and sent as
 * a reference, so whatever ingest accepts can be delivered.
 */
export async function enqueue(queue: Queue<QueueMessage | PayloadRef>, db: D1Database, messages: QueueMessage[], options: EnqueueOptions = {}): Promise<void> {
	const sized = messages.map((body) => ({ body, json: JSON.stringify(body) }));
	const parked = new Set(options.journal ? sized : sized.filter((m) => queueBytes(m.json) > QUEUE_MESSAGE_BYTES));
	if (parked.size) {
		try {
			const now = Date.now();
			await db.batch(
				[...parked].map((m) =>
					db
						.prepare("INSERT OR REPLACE INTO queued_payloads (id, project_id, body, created_at) VALUES (?, ?, ?, ?)")
						.bind(payloadIdOf(m.body), m.body.project_id, m.json, now),
				),
			);
		} catch (err) {
			console.error("parking messages failed", err);
			throw UNAVAILABLE();
		}
	}
	// Each body with its JSON (a message's measured above, a reference's its own), so none is serialised twice.
	const bodies = sized.map((m): { body: QueueMessage | PayloadRef; json: string } => {
		if (!parked.has(m)) return m;
		const ref = payloadRefOf(m.body);
		return { body: ref, json: JSON.stringify(ref) };
	});
	for (const chunk of chunkForSendBatch(bodies, undefined, (m) => queueBytes(m.json))) {
		try {
			await queue.sendBatch(chunk.map((m) => ({ body: m.body, contentType: "json" })));
		} catch (err) {
			console.error("queue send failed", err);
			throw UNAVAILABLE();
		}
	}
}

/** The ingest worker's options from its bindings. */
export function enqueueOptions(env: { QUEUE_JOURNAL?: string }): EnqueueOptions {
	return { journal: env.QUEUE_JOURNAL === "d1" };
}
