import { type Embedder, normalize } from "./embedder";
import type { GloveTable } from "./glove-table";
import { tokenize } from "./tokenize";

/** SIF weight a / (a + p(w)), Arora et al. 2017; a = 1e-3 is the paper's default. */
const SIF_A = 1e-3;
/**
 * The table keeps rank, not counts; word frequencies follow Zipf's law closely, so
 * p(rank) = 1 / ((rank + 2.7) · H) with H the harmonic normaliser of the 400k-word corpus vocabulary.
 */
const ZIPF_H = Math.log(400_000) + 0.5772;
export const sifWeight = (rank: number) => SIF_A / (SIF_A + 1 / ((rank + 2.7) * ZIPF_H));

/**
 * Sentence vectors from GloVe word vectors: SIF-weighted mean, minus the projection on the
 * corpus' common component, L2-normalised. A bag of words: order and negation are lost,
 * which is why detection pairs it with lexical rules.
 */
export class SifEmbedder implements Embedder {
	readonly model = "glove-6b-100d-sif";
	readonly dimensions: number;
	private readonly weights: Float32Array;

	constructor(private readonly table: GloveTable) {
		this.dimensions = table.dims;
		this.weights = new Float32Array(table.words.length);
		for (let r = 0; r < table.words.length; r++) this.weights[r] = sifWeight(r) * table.scales[r]!;
	}

	/** The SIF mean before common-component removal; also used to build the table. */
	rawVector(text: string): Float32Array {
		const { dims, index, vectors } = this.table;
		const v = new Float32Array(dims);
		let count = 0;
		for (const token of tokenize(text)) {
			const row = index.get(token);
			if (row === undefined) continue;
			const w = this.weights[row]!;
			const base = row * dims;
			for (let d = 0; d < dims; d++) v[d]! += w * vectors[base + d]!;
			count++;
		}
		if (count > 0) for (let d = 0; d < dims; d++) v[d]! /= count;
		return v;
	}

	embedOne(text: string): Float32Array {
		const v = this.rawVector(text);
		const pc = this.table.commonComponent;
		let proj = 0;
		for (let d = 0; d < v.length; d++) proj += v[d]! * pc[d]!;
		for (let d = 0; d < v.length; d++) v[d]! -= proj * pc[d]!;
		return normalize(v);
	}

	async embed(texts: string[]): Promise<Float32Array[]> {
		return texts.map((t) => this.embedOne(t));
	}
}
