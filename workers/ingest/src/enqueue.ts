import { QUEUE_MESSAGE_BYTES } from "../../../core/limits";
import { chunkForSendBatch, queueBytes } from "../../../core/queue-batching";
import { messageIdOf, type PayloadRef, payloadIdOf, type QueueMessage } from "../../../core/queue-messages";
import { ApiError } from "../../shared/src/api-error";

/**
 * Sends messages in as many sendBatch calls as the Queue limits require. If a call
 * fails the client gets a 503 and retries the whole request; ids make that safe,
 * because the consumer stores each event_id / signal_id once. A message too large for the
 * queue is parked in D1 first and sent as a reference, so whatever ingest accepts can be delivered.
 */
export async function enqueue(queue: Queue<QueueMessage | PayloadRef>, db: D1Database, messages: QueueMessage[]): Promise<void> {
	const sized = messages.map((body) => ({ body, json: JSON.stringify(body) }));
	const large = sized.filter((m) => queueBytes(m.json) > QUEUE_MESSAGE_BYTES);
	if (large.length) {
		try {
			await db.batch(
				large.map((m) => db.prepare("INSERT OR REPLACE INTO queued_payloads (id, project_id, body, created_at) VALUES (?, ?, ?, ?)").bind(payloadIdOf(m.body), m.body.project_id, m.json, Date.now())),
			);
		} catch (err) {
			console.error("parking large messages failed", err);
			throw new ApiError(503, "queue_unavailable", "Could not enqueue the batch; retry it (ids make retries safe).");
		}
	}
	const bodies = sized.map((m): QueueMessage | PayloadRef =>
		large.includes(m)
			? { v: 1, type: "payload_ref", project_id: m.body.project_id, received_at: m.body.received_at, payload_id: payloadIdOf(m.body), kind: m.body.type, id: messageIdOf(m.body) }
			: m.body,
	);
	for (const chunk of chunkForSendBatch(bodies)) {
		try {
			await queue.sendBatch(chunk.map((body) => ({ body, contentType: "json" })));
		} catch (err) {
			console.error("queue send failed", err);
			throw new ApiError(503, "queue_unavailable", "Could not enqueue the batch; retry it (ids make retries safe).");
		}
	}
}
