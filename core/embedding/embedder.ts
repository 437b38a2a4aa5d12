/**
 * Turns texts into unit vectors. Vectors of different models live in different spaces:
 * `model` is stored beside every vector, and thresholds are set per model.
 */
export interface Embedder {
	readonly model: string;
	readonly dimensions: number;
	embed(texts: string[]): Promise<Float32Array[]>;
}

export function cosine(a: Float32Array, b: Float32Array): number {
	let dot = 0;
	for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
	return dot;
}

export function normalize(v: Float32Array): Float32Array {
	let norm = 0;
	for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
	norm = Math.sqrt(norm);
	if (norm > 0) for (let i = 0; i < v.length; i++) v[i]! /= norm;
	return v;
}

/** The normalised mean of unit vectors: the centre of a group (an issue, an intent). */
export function unitMean(vectors: Float32Array[]): Float32Array {
	const out = new Float32Array(vectors[0]?.length ?? 0);
	for (const v of vectors) for (let d = 0; d < v.length; d++) out[d]! += v[d]!;
	return normalize(out);
}
