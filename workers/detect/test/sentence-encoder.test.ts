import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { sentenceEncoder } from "#shared/adapters/sentence-encoder";

/**
 * Node and workerd run the same tfjs (4.22, wasm SIMD, one thread) on the same weights, so the
 * vectors agree to the last bits; a tfjs or backend change moves them by up to ~1e-6 per value.
 */
const TOLERANCE = 1e-5;

describe("sentence encoder inside workerd", () => {
	it("loads from the assets binding once per isolate and embeds as Node does (max difference 1e-5 per value)", { timeout: 60_000 }, async () => {
		const { texts, vectors } = inject("sentenceEncoderFixture");
		const [encoder, again] = await Promise.all([sentenceEncoder(env), sentenceEncoder(env)]);
		expect(again).toBe(encoder);
		const got = await encoder.embed(texts);
		expect(got).toHaveLength(vectors.length);
		let worst = 0;
		got.forEach((v, i) => {
			expect(v).toHaveLength(512);
			for (let d = 0; d < v.length; d++) worst = Math.max(worst, Math.abs(v[d]! - vectors[i]![d]!));
		});
		expect(worst).toBeLessThanOrEqual(TOLERANCE);
	});

	it("leaves the isolate's globals as they were once loaded (process, WebAssembly.instantiate)", { timeout: 60_000 }, async () => {
		const [processBefore, instantiateBefore] = [globalThis.process, WebAssembly.instantiate];
		await sentenceEncoder(env);
		expect(globalThis.process).toBe(processBefore);
		expect(typeof globalThis.process?.versions?.node).toBe("string");
		expect(WebAssembly.instantiate).toBe(instantiateBefore);
	});

	it("gives blank text the zero vector", { timeout: 60_000 }, async () => {
		const encoder = await sentenceEncoder(env);
		const [empty, spaces, text] = await encoder.embed(["", "  \n\t ", "hello there"]);
		expect(empty!.every((x) => x === 0)).toBe(true);
		expect(spaces!.every((x) => x === 0)).toBe(true);
		expect(text!.some((x) => x !== 0)).toBe(true);
	});

	it("embeds a 50,000-character text (read up to its limit) into a unit vector", { timeout: 60_000 }, async () => {
		const encoder = await sentenceEncoder(env);
		const long = "My order arrived late and the support chat kept repeating the same answer. ".repeat(700).slice(0, 50_000);
		expect(long).toHaveLength(50_000);
		const [v] = await encoder.embed([long]);
		const norm = Math.hypot(...v!);
		expect(norm).toBeCloseTo(1, 5);
	});
});
