import { describe, expect, it } from "vitest";
import { chunkForSendBatch, queueBytes } from "./queue-batching";
import { retryDelaySeconds } from "./retry-backoff";

describe("chunkForSendBatch", () => {
	it("keeps every chunk within the message and byte limits (as the queue counts bytes), in order, losing nothing", () => {
		const bodies = Array.from({ length: 250 }, (_, i) => ({ i, pad: "x".repeat(i % 7 === 0 ? 40_000 : 100) }));
		const chunks = chunkForSendBatch(bodies, { messages: 100, bytes: 230_000 });
		for (const chunk of chunks) {
			expect(chunk.length).toBeLessThanOrEqual(100);
			const bytes = chunk.reduce((n, b) => n + queueBytes(JSON.stringify(b)), 0);
			expect(bytes).toBeLessThanOrEqual(230_000);
		}
		expect(chunks.flat()).toEqual(bodies);
	});

	it("puts a single message larger than the byte budget in a chunk of its own", () => {
		const chunks = chunkForSendBatch([{ a: 1 }, { big: "x".repeat(300) }, { b: 2 }], { messages: 100, bytes: 100 });
		expect(chunks.map((c) => c.length)).toEqual([1, 1, 1]);
	});
});

describe("retryDelaySeconds", () => {
	it("grows exponentially with attempts, with jitter, capped at five minutes", () => {
		expect(retryDelaySeconds(1, () => 0)).toBe(1);
		expect(retryDelaySeconds(1, () => 0.999)).toBe(2);
		expect(retryDelaySeconds(5, () => 0)).toBe(16);
		expect(retryDelaySeconds(5, () => 0.999)).toBe(32);
		expect(retryDelaySeconds(30, () => 0.999)).toBe(300);
	});
});
