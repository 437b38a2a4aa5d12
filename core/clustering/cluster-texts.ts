import type { SifEmbedder } from "../embedding/sif-embedder";
import { averageLinkage } from "./agglomerative";
import { clusterKeywords, clusterTitle } from "./cluster-naming";
import { centroid, similarity, type TextVector, textVectors } from "./text-vectors";

export interface ClusterOptions {
	/** Average-linkage similarity below which clusters stay apart. Chosen on banking77's train split. */
	threshold?: number;
	/** Clusters smaller than this are dissolved into their nearest cluster; default grows with the input, up to 5. */
	minSize?: number;
	/** false: small clusters stay as they are (issue candidates wait for more events instead of joining the wrong issue). */
	absorbSmall?: boolean;
	/** Words to leave out of the comparison, e.g. the words that define the signal being clustered. */
	ignoreWords?: ReadonlySet<string>;
	/** Rounds of nearest-centre reassignment after merging. */
	refineRounds?: number;
	/** The n×n matrix is built for at most this many texts; later ones join their nearest cluster. */
	maxMatrix?: number;
}

export interface Cluster {
	id: number;
	size: number;
	title: string;
	keywords: string[];
	/** Index of the member closest to the cluster's centre. */
	central: number;
}

export interface Clustering {
	/** Cluster id per input text, in input order. */
	assignments: number[];
	/** Largest first; ids are 0..k-1. */
	clusters: Cluster[];
}

function nearest(v: TextVector, centres: Map<number, TextVector>): number {
	let best = -1;
	let score = -Infinity;
	for (const [id, c] of centres) {
		const s = similarity(v, c);
		if (s > score) [score, best] = [s, id];
	}
	return best;
}

function centres(vectors: TextVector[], labels: number[], keep: (size: number) => boolean): Map<number, TextVector> {
	const members = new Map<number, TextVector[]>();
	labels.forEach((l, i) => members.set(l, [...(members.get(l) ?? []), vectors[i]!]));
	const out = new Map<number, TextVector>();
	for (const [l, vs] of members) if (keep(vs.length)) out.set(l, centroid(vs));
	return out;
}

/**
 * Groups texts without being told how many groups there are: average-linkage merging up to
 * a similarity threshold, small clusters dissolved into their nearest neighbour, then a few
 * rounds of nearest-centre reassignment. Each cluster is named by its distinctive words.
 */
export function clusterTexts(embedder: SifEmbedder, texts: string[], opts: ClusterOptions = {}): Clustering {
	const n = texts.length;
	if (n === 0) return { assignments: [], clusters: [] };
	const threshold = opts.threshold ?? 0.3;
	const minSize = opts.minSize ?? Math.min(5, Math.max(2, Math.ceil(n / 200)));
	const maxMatrix = opts.maxMatrix ?? 6000;
	const vectors = textVectors(embedder, texts, opts.ignoreWords);

	const m = Math.min(n, maxMatrix);
	const S = new Float32Array(m * m);
	for (let i = 0; i < m; i++) {
		for (let j = i + 1; j < m; j++) {
			const s = similarity(vectors[i]!, vectors[j]!);
			S[i * m + j] = s;
			S[j * m + i] = s;
		}
	}
	let labels = averageLinkage(S, m, threshold);
	for (let i = m; i < n; i++) labels.push(nearest(vectors[i]!, centres(vectors.slice(0, m), labels.slice(0, m), () => true)));

	const absorb = opts.absorbSmall ?? true;
	for (let round = 0; round <= (opts.refineRounds ?? 2); round++) {
		const sizes = new Map<number, number>();
		for (const l of labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
		const big = centres(vectors, labels, (size) => size >= minSize);
		if (big.size === 0) break;
		// The first pass only moves members of small clusters; later passes reassign everyone
		// (or, without absorption, only the members of big clusters among big clusters).
		labels = labels.map((l, i) => {
			const small = sizes.get(l)! < minSize;
			if (small) return absorb ? nearest(vectors[i]!, big) : l;
			return round === 0 ? l : nearest(vectors[i]!, big);
		});
	}

	const members = new Map<number, number[]>();
	labels.forEach((l, i) => members.set(l, [...(members.get(l) ?? []), i]));
	const ordered = [...members.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
	const keywords = clusterKeywords(ordered.map((idx) => idx.map((i) => texts[i]!)), 3, opts.ignoreWords);
	const assignments = new Array<number>(n);
	const clusters = ordered.map((idx, id) => {
		for (const i of idx) assignments[i] = id;
		const centre = centroid(idx.map((i) => vectors[i]!));
		const central = idx.reduce((best, i) => (similarity(vectors[i]!, centre) > similarity(vectors[best]!, centre) ? i : best), idx[0]!);
		return { id, size: idx.length, keywords: keywords[id]!, title: clusterTitle(keywords[id]!, texts[central]!), central };
	});
	return { assignments, clusters };
}
