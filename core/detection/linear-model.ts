import type { ModelSpec } from "./model-features";

/**
 * A logistic model over [embedding ⊕ cue features] (dense) plus hashed word n-grams (sparse),
 * trained by scripts/train-detectors.ts.
 */
export interface LinearModel {
	/** The embedder whose vectors the weights were trained on; other spaces must not use them. */
	embedder: string;
	/** What the model reads (fields, context, extra feature blocks): the weights follow this layout. */
	spec: ModelSpec;
	weights: number[];
	/** One weight per hashed n-gram bucket (see hashed-ngrams.ts); empty when the model reads no n-grams. */
	ngramWeights: number[];
	bias: number;
	/** Probability at or above which the signal is detected, chosen on held-out tune rows for precision (F0.5). */
	threshold: number;
	/** Below the threshold but at or above this, a production LLM check may decide. */
	uncertainFrom: number;
}

export interface Features {
	dense: ArrayLike<number>;
	/** Indices of the n-gram buckets present, each with value 1/√max(16, count) (L2-normalised), so a long text does not add up evidence by length. */
	sparse: number[];
}

/** A very short text's few n-grams weigh no more than those of a 16-n-gram text. */
const sparseValue = (f: Features) => (f.sparse.length ? 1 / Math.sqrt(Math.max(16, f.sparse.length)) : 0);

export function predict(model: Pick<LinearModel, "weights" | "ngramWeights" | "bias">, f: Features): number {
	// A model read with another feature layout than it was trained on would score NaN, silently.
	if (model.weights.length !== f.dense.length) throw new Error(`model expects ${model.weights.length} dense features, got ${f.dense.length}`);
	let z = model.bias;
	for (let i = 0; i < f.dense.length; i++) z += model.weights[i]! * f.dense[i]!;
	if (model.ngramWeights.length) {
		const v = sparseValue(f);
		for (const j of f.sparse) z += v * model.ngramWeights[j]!;
	}
	return 1 / (1 + Math.exp(-z));
}

/**
 * L2-regularised logistic regression, full batch, optimised with Adam (per-coordinate step
 * sizes suit the mix of dense embedding features and rare n-gram features); positives are
 * weighted to balance the classes (after any per-row weights, e.g. a data set's prior). Deterministic.
 */
export function trainLogistic(x: Features[], y: number[], buckets: number, opts: { epochs?: number; lr?: number; l2?: number; sampleWeights?: number[] } = {}) {
	const { epochs = 200, lr = 0.2, l2 = 1e-4, sampleWeights } = opts;
	const sw = (i: number) => sampleWeights?.[i] ?? 1;
	const dims = x[0]!.dense.length;
	const n = dims + buckets + 1;
	const w = new Float64Array(n);
	const m = new Float64Array(n);
	const v = new Float64Array(n);
	let pos = 0,
		neg = 0;
	y.forEach((t, i) => (t === 1 ? (pos += sw(i)) : (neg += sw(i))));
	const posWeight = Math.max(1, neg / Math.max(1e-9, pos));
	const bias = n - 1;
	for (let epoch = 1; epoch <= epochs; epoch++) {
		const g = new Float64Array(n);
		let total = 0;
		for (let i = 0; i < x.length; i++) {
			const { dense, sparse } = x[i]!;
			const sv = sparseValue(x[i]!);
			let z = w[bias]!;
			for (let d = 0; d < dims; d++) z += w[d]! * dense[d]!;
			for (const j of sparse) z += sv * w[dims + j]!;
			const weight = (y[i] === 1 ? posWeight : 1) * sw(i);
			const err = (1 / (1 + Math.exp(-z)) - y[i]!) * weight;
			for (let d = 0; d < dims; d++) g[d]! += err * dense[d]!;
			for (const j of sparse) g[dims + j]! += err * sv;
			g[bias]! += err;
			total += weight;
		}
		const b1 = 1 - 0.9 ** epoch,
			b2 = 1 - 0.999 ** epoch;
		for (let k = 0; k < n; k++) {
			const grad = g[k]! / total + (k === bias ? 0 : l2 * w[k]!);
			m[k] = 0.9 * m[k]! + 0.1 * grad;
			v[k] = 0.999 * v[k]! + 0.001 * grad * grad;
			w[k]! -= (lr * (m[k]! / b1)) / (Math.sqrt(v[k]! / b2) + 1e-8);
		}
	}
	const round = (t: number) => Math.round(t * 1e4) / 1e4;
	return { weights: [...w.subarray(0, dims)].map(round), ngramWeights: [...w.subarray(dims, dims + buckets)].map(round), bias: round(w[bias]!) };
}
