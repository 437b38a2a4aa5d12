import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { RemoteSentenceEncoder } from "../src/remote-sentence-encoder";

describe("sentence encoder over RPC (the detect worker's copy)", () => {
	it("returns the vectors Node computes for the same texts, and zero vectors for blank ones", { timeout: 60_000 }, async () => {
		const { texts, vectors } = inject("sentenceEncoderFixture");
		const encoder = new RemoteSentenceEncoder(env.SENTENCE_ENCODER);
		const got = await encoder.embed([...texts.slice(0, 3), " "]);
		expect(got).toHaveLength(4);
		for (let i = 0; i < 3; i++) {
			expect(got[i]).toBeInstanceOf(Float32Array);
			expect(Math.max(...got[i]!.map((x, d) => Math.abs(x - vectors[i]![d]!)))).toBeLessThanOrEqual(1e-5);
		}
		expect(got[3]!.every((x) => x === 0)).toBe(true);
	});
});
