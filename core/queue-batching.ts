import { QUEUE_SEND_LIMITS } from "./limits";

const encoder = new TextEncoder();

/**
 * Splits messages into groups that each fit one Queue sendBatch call
 * (at most 100 messages and 256 KB in total).
 */
export function chunkForSendBatch<T>(bodies: T[], limits: { messages: number; bytes: number } = QUEUE_SEND_LIMITS): T[][] {
	const chunks: T[][] = [];
	let current: T[] = [];
	let bytes = 0;
	for (const body of bodies) {
		const size = encoder.encode(JSON.stringify(body)).byteLength;
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
