import { QUEUE_SEND_LIMITS } from "./limits";

/**
 * A message's size as the queue counts it: two bytes per character of its JSON (the local queue
 * counted a 68,839-byte JSON body as 137,822 bytes). One measure for parking a message that is too
 * large (enqueue) and for cutting batches.
 */
export const queueBytes = (json: string) => json.length * 2;

/**
 * Splits messages into groups that each fit one Queue sendBatch call
 * (at most 100 messages and 256 KB in total).
 */
export function chunkForSendBatch<T>(
	bodies: T[],
	limits: { messages: number; bytes: number } = QUEUE_SEND_LIMITS,
	/** A body's queue size; callers that hold its JSON already pass it, so nothing is serialised twice. */
	sizeOf: (body: T) => number = (body) => queueBytes(JSON.stringify(body)),
): T[][] {
	const chunks: T[][] = [];
	let current: T[] = [];
	let bytes = 0;
	for (const body of bodies) {
		const size = sizeOf(body);
		if (current.length > 0 && (current.length >= limits.messages || bytes + size > limits.bytes)) {
			chunks.push(current);
			current = [];
			bytes = 0;
		}
		current.push(body);
		bytes += size;
	}
	if (current.length > 0) chunks.push(current);
	return chunks;
}
