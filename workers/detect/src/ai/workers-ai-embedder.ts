import { textHead } from "#core/text-head";
import { type Embedder, normalize } from "#core/embedding/embedder";

/**
 * bge-base-en-v1.5 on Workers AI: 768-d English sentence embeddings, strong on retrieval
 * and clustering benchmarks for its size, cheap per call, and the dimension the Vectorize
 * index is created with. Its vectors never mix with the embedded GloVe space.
 */
export const WORKERS_AI_EMBEDDING_MODEL = "@cf/baai/bge-base-en-v1.5";

/** Workers AI takes up to 100 texts per call. */
const BATCH = 100;

export class WorkersAiEmbedder implements Embedder {
	readonly model = WORKERS_AI_EMBEDDING_MODEL;
	readonly dimensions = 768;
	constructor(private readonly ai: Ai) {}

	async embed(texts: string[]): Promise<Float32Array[]> {
		const out: Float32Array[] = [];
		for (let i = 0; i < texts.length; i += BATCH) {
			const chunk = texts.slice(i, i + BATCH).map((t) => textHead(t, 2000) || " ");
			const result = (await this.ai.run(WORKERS_AI_EMBEDDING_MODEL as keyof AiModels, { text: chunk } as never)) as { data?: number[][] };
			if (!result?.data || result.data.length !== chunk.length)
				throw new Error(`${WORKERS_AI_EMBEDDING_MODEL} returned ${result?.data?.length ?? 0} vectors for ${chunk.length} texts`);
			for (const v of result.data) {
				if (v.length !== this.dimensions) throw new Error(`expected ${this.dimensions} dimensions, got ${v.length}`);
				out.push(normalize(Float32Array.from(v)));
			}
		}
		return out;
	}
}
