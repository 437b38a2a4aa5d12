import type { Embedder } from "../embedding/embedder";
import { tokenize } from "../embedding/tokenize";

/**
 * What clustering compares: the text's sentence vector (meaning) and its TF-IDF word vector
 * (the specific words: "refund" vs "transfer"), each unit length, weighted `denseWeight` and
 * 1 - `denseWeight`, so the cosine of two texts is the weighted mean of the two cosines.
 */
export interface TextVector {
	dense: Float32Array;
	/** stemmed word → weight */
	sparse: Map<string, number>;
}

export const STOPWORDS = new Set(
	"a an the to of and or in on at for from by with about as is are was were be been being am i me my mine you your yours we our us it its this that these those do does did can could would should will shall may might must have has had not no yes so if then than but just please what how when where which who whom why there here i'm i've i'd it's don't can't want need like get got make let".split(
		" ",
	),
);

/** A light suffix stemmer: "files"/"file", "transfers"/"transferring", "charges"/"charged", "boxes"/"box". */
export function stem(word: string): string {
	let w = word;
	if (w.length <= 3) return w;
	if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
	if (/(?:ss|sh|ch|x|z)es$/.test(w)) return w.slice(0, -2);
	if (w.endsWith("s") && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
	// "transferring" → "transfer", "stopped" → "stop": undouble the consonant the suffix doubled.
	const undouble = (x: string) => (/([b-df-hj-np-rtv-z])\1$/.test(x) && !/(?:ll|ss|zz)$/.test(x) ? x.slice(0, -1) : x);
	if (w.length > 5 && w.endsWith("ing")) return undouble(w.slice(0, -3));
	if (w.length > 4 && w.endsWith("ed")) return undouble(w.slice(0, -2));
	if (w.length > 5 && w.endsWith("ly")) return w.slice(0, -2);
	if (w.length > 4 && w.endsWith("e")) return w.slice(0, -1);
	return w;
}

export function contentWords(text: string, ignore?: ReadonlySet<string>): string[] {
	return tokenize(text)
		.filter((w) => /^[a-z0-9]+$/.test(w) && !STOPWORDS.has(w) && !ignore?.has(w))
		.map(stem);
}

/**
 * Vectors for a batch of texts; IDF is computed over the batch itself. `ignore` drops words
 * from both halves: within one signal, the words that make the signal ("sorry", "can't",
 * "access") say nothing about which issue a text belongs to.
 */
export async function textVectors(embedder: Embedder, texts: string[], ignore?: ReadonlySet<string>, denseWeight = DENSE_WEIGHT): Promise<TextVector[]> {
	const words = texts.map((t) => contentWords(t, ignore));
	const df = new Map<string, number>();
	for (const ws of words) for (const w of new Set(ws)) df.set(w, (df.get(w) ?? 0) + 1);
	const n = texts.length;
	const embedded = await embedder.embed(
		ignore
			? texts.map((t) =>
					tokenize(t)
						.filter((w) => !ignore.has(w))
						.join(" "),
				)
			: texts,
	);
	const a = Math.sqrt(denseWeight),
		b = Math.sqrt(1 - denseWeight);
	return texts.map((_, i) => {
		// Unit vectors in, so scaling by √weight makes the dense half contribute weight × cosine.
		const dense = embedded[i]!.map((x) => x * a);
		const sparse = new Map<string, number>();
		for (const w of words[i]!) sparse.set(w, (sparse.get(w) ?? 0) + Math.log((n + 1) / df.get(w)!));
		let norm = 0;
		for (const v of sparse.values()) norm += v * v;
		norm = b > 0 ? Math.sqrt(norm) / b || 1 : Infinity;
		for (const [w, v] of sparse) sparse.set(w, v / norm);
		return { dense, sparse };
	});
}

/** The sentence vector's share of a similarity. Chosen on dev sets for USE Lite (docs/quality.md). */
export const DENSE_WEIGHT = 0.7;

export function similarity(a: TextVector, b: TextVector): number {
	let s = 0;
	for (let d = 0; d < a.dense.length; d++) s += a.dense[d]! * b.dense[d]!;
	const [small, large] = a.sparse.size < b.sparse.size ? [a.sparse, b.sparse] : [b.sparse, a.sparse];
	for (const [w, v] of small) {
		const u = large.get(w);
		if (u) s += v * u;
	}
	return s;
}

/** The normalised mean of some vectors: a cluster's centre. */
export function centroid(vectors: TextVector[]): TextVector {
	const dense = new Float32Array(vectors[0]?.dense.length ?? 0);
	const sparse = new Map<string, number>();
	for (const v of vectors) {
		for (let d = 0; d < dense.length; d++) dense[d]! += v.dense[d]!;
		for (const [w, x] of v.sparse) sparse.set(w, (sparse.get(w) ?? 0) + x);
	}
	let norm = 0;
	for (const x of dense) norm += x * x;
	for (const x of sparse.values()) norm += x * x;
	norm = Math.sqrt(norm) || 1;
	for (let d = 0; d < dense.length; d++) dense[d]! /= norm;
	for (const [w, x] of sparse) sparse.set(w, x / norm);
	return { dense, sparse };
}
