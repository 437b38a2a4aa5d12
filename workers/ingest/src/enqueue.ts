import { chunkForSendBatch } from "../../../core/queue-batching";
import type { QueueMessage } from "../../../core/queue-messages";
import { ApiError } from "../../shared/src/api-error";

/**
 * Sends messages in as many sendBatch calls as the Queue limits require. If a call
 * fails the client gets a 503 and retries the whole request; ids make that safe,
 * because the consumer stores each event_id / signal_id once.
 */
export async function enqueue(queue: Queue<QueueMessage>, messages: QueueMessage[]): Promise<void> {
	for (const chunk of chunkForSendBatch(messages)) {
		try {
			await queue.sendBatch(chunk.map((body) => ({ body, contentType: "json" })));
		} catch (err) {
			console.error("queue send failed", err);
			throw new ApiError(503, "queue_unavailable", "Could not enqueue the batch; retry it (ids make retries safe).");
		}
	}
}
