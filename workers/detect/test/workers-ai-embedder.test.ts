import { describe, expect, it } from "vitest";
import { WORKERS_AI_EMBEDDING_MODEL, WorkersAiEmbedder } from "../src/ai/workers-ai-embedder";

/** Answers like @cf/baai/bge-base-en-v1.5: `{ shape: [n, 768], data: number[][] }`. */
function fakeEmbeddingAi() {
	const calls: { model: string; texts: string[] }[] = [];
	const ai = {
		async run(model: string, inputs: { text: string[] }) {
			calls.push({ model, texts: inputs.text });
			const data = inputs.text.map((t) => Array.from({ length: 768 }, (_, d) => ((t.length * (d + 1)) % 7) + 1));
			return { shape: [data.length, 768], data };
		},
	};
	return { ai: ai as unknown as Ai, calls };
}

describe("WorkersAiEmbedder", () => {
	it("embeds in calls of at most 100 texts and returns unit vectors in order", async () => {
		const { ai, calls } = fakeEmbeddingAi();
		const texts = Array.from({ length: 150 }, (_, i) => `text number ${i}`);
		const vectors = await new WorkersAiEmbedder(ai).embed(texts);
		expect(calls.map((c) => [c.model, c.texts.length])).toEqual([
			[WORKERS_AI_EMBEDDING_MODEL, 100],
			[WORKERS_AI_EMBEDDING_MODEL, 50],
		]);
		expect(vectors).toHaveLength(150);
		expect(Math.hypot(...vectors[0]!)).toBeCloseTo(1, 5);
	});

	it("fails loudly when the model returns the wrong number of vectors", async () => {
		const ai = { run: async () => ({ data: [] }) } as unknown as Ai;
		await expect(new WorkersAiEmbedder(ai).embed(["a"])).rejects.toThrow(/returned 0 vectors for 1 texts/);
	});
});
