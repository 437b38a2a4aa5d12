/** An event as deep search reads it: its input and output sentence vectors side by side, and the similarities taken on them. */
import type { DefinitionSide } from "./loop-options";

/** [input | output] sentence vectors side by side; a missing side is zeros, so it neither helps nor hurts a match. */
export function eventFeatures(input: Float32Array | null | undefined, output: Float32Array | null | undefined, dims: number): Float32Array {
	const out = new Float32Array(2 * dims);
	for (const [v, at] of [
		[input, 0],
		[output, dims],
	] as const) {
		if (!v) continue;
		if (v.length !== dims) throw new Error(`eventFeatures: expected ${dims}-d vectors, got ${v.length}`);
		out.set(v, at);
	}
	return out;
}

/** The definition's cosine with the event on the definition's side; for both, the mean over the sides the event has. */
export function definitionSimilarity(definition: Float32Array, features: Float32Array, side: DefinitionSide): number {
	const dims = definition.length;
	const sides = side === "input" ? [0] : side === "output" ? [dims] : [0, dims].filter((at) => hasSide(features, at, dims));
	return sides.length ? sides.reduce((s, at) => s + sideDot(definition, features, at), 0) / sides.length : 0;
}

function hasSide(features: Float32Array, at: number, dims: number): boolean {
	for (let d = at; d < at + dims; d++) if (features[d] !== 0) return true;
	return false;
}

export function sideDot(definition: Float32Array, features: Float32Array, at: number): number {
	let s = 0;
	for (let d = 0; d < definition.length; d++) s += definition[d]! * features[at + d]!;
	return s;
}

function dotAll(a: Float32Array, b: Float32Array): number {
	let s = 0;
	for (let d = 0; d < a.length; d++) s += a[d]! * b[d]!;
	return s;
}

/** Cosine of two events' features (each side is a unit vector, so the norms are 1 or √2). */
export function cosineFeatures(a: Float32Array, b: Float32Array): number {
	const na = dotAll(a, a),
		nb = dotAll(b, b);
	return na && nb ? dotAll(a, b) / Math.sqrt(na * nb) : 0;
}

/**
 * Each labelled event's features averaged half and half with the mean of its `k` nearest other
 * events of the pool (by cosineFeatures): a label then speaks for its neighbourhood, not for one
 * sentence's wording, and the pool's own structure (unlabelled) shapes what the labels teach.
 * k = 0, or a pool without other events, leaves the features as they are. Ties go to the smaller id.
 */
export function withNeighbours<T extends { id: string; features: Float32Array }>(
	labelled: T[],
	pool: { id: string; features: Float32Array }[],
	k: number,
): T[] {
	if (k <= 0 || !labelled.length) return labelled;
	const norms = pool.map((c) => Math.sqrt(dotAll(c.features, c.features)));
	return labelled.map((l) => {
		const nl = Math.sqrt(dotAll(l.features, l.features));
		// The k best so far, best first (insertion into a short list: no sort of the whole pool).
		const top: { i: number; sim: number }[] = [];
		pool.forEach((c, i) => {
			if (c.id === l.id || !nl || !norms[i]) return;
			const sim = dotAll(c.features, l.features) / (nl * norms[i]!);
			const worse = (t: { i: number; sim: number }) => t.sim < sim || (t.sim === sim && pool[t.i]!.id > c.id);
			if (top.length === k && !worse(top[k - 1]!)) return;
			const at = top.findIndex(worse);
			top.splice(at < 0 ? top.length : at, 0, { i, sim });
			if (top.length > k) top.pop();
		});
		if (!top.length) return l;
		const features = Float32Array.from(l.features, (x) => x / 2);
		for (const t of top) {
			const f = pool[t.i]!.features;
			for (let d = 0; d < features.length; d++) features[d]! += f[d]! / (2 * top.length);
		}
		return { ...l, features };
	});
}
