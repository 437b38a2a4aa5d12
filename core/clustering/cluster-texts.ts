import type { Embedder } from "../embedding/embedder";
import { yieldToLoop } from "../yield-to-loop";
import { averageLinkage } from "./agglomerative";
import { clusterKeywords, templateTitle } from "./cluster-naming";
import { centroid, similarity, type TextVector, textVectors } from "./text-vectors";

export interface ClusterOptions {
	/** Average-linkage similarity below which clusters stay apart. Chosen on dev sets (eval/clustering-sweep.ts). */
	threshold?: number;
	/** Clusters smaller than this merge into their nearest cluster; default grows with the input (n / 50), up to MAX_MIN_SIZE. */
	minSize?: number;
	/** false: small clusters stay as they are (issue candidates wait for more events instead of joining the wrong issue). */
	absorbSmall?: boolean;
	/** What is compared of each text (names and titles still come from the text itself), e.g. requestShape. */
	compare?: (text: string) => string;
	/** Words to leave out of the comparison, e.g. the words that define the signal being clustered. */
	ignoreWords?: ReadonlySet<string>;
	/** The sentence vector's share of the similarity (the rest is TF-IDF); default DENSE_WEIGHT. */
	denseWeight?: number;
	/** See OUTLIER_RATIO. */
	outlierRatio?: number;
	/** See MERGE_SMALL (1 / 0). */
	mergeSmall?: number;
	/** Rounds of nearest-centre reassignment after merging. */
	refineRounds?: number;
	/** The n×n matrix is built for at most this many texts; later ones join their nearest cluster. */
	maxMatrix?: number;
	/**
	 * Leave outliers out (default true): a text whose nearest neighbours are much less similar to
	 * it than is usual in this batch belongs to no group. It gets cluster -1 instead of being
	 * pulled into the nearest one. false: every text is placed.
	 */
	outliers?: boolean;
}

/**
 * A text is an outlier when the mean similarity of its k nearest neighbours is below
 * OUTLIER_RATIO × the batch's median of that, with k = twice the minimum cluster size
 * (a group of the minimum size is half of each member's neighbourhood).
 */
export const OUTLIER_RATIO = 0.75;
/** Average-linkage similarity below which clusters stay apart, for the default sentence encoder (USE Lite) at DENSE_WEIGHT 0.7; chosen on dev sets, docs/quality.md. */
export const DEFAULT_THRESHOLD = 0.5;
/**
 * 1: clusters below minSize keep merging by average linkage (smallest first) before the
 * nearest-centre refinement; 0: they are dissolved into the nearest big cluster's centre.
 */
export const MERGE_SMALL = 1;
/** The default minimum cluster size grows with the batch (one per 50 texts) up to this. */
export const MAX_MIN_SIZE = 8;
/** Below this many texts the density estimate is too noisy to call anything an outlier: every text is placed. */
export const MIN_OUTLIER_BATCH = 50;
/** Assignment of a text left out as an outlier. */
export const OUTLIER = -1;
/**
 * Similarities computed between two turns of the event loop: about 10-30 ms of CPU. A 1,000-text
 * matrix (500,000 pairs) took 1.5 s in one piece and blocked every other request meanwhile.
 */
export const PAIRS_PER_SLICE = 10_000;

export interface Cluster {
	id: number;
	size: number;
	/** The central example as a template: the words most members share, "…" for the ones that vary. */
	title: string;
	keywords: string[];
	/** Index of the member closest to the cluster's centre. */
	central: number;
}

export interface Clustering {
	/** Cluster id per input text, in input order; OUTLIER (-1) for a text that belongs to no cluster. */
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
 * Density of each of the first m texts: the mean similarity of its k nearest neighbours
 * in the m×m similarity matrix (HDBSCAN's core distance, as a similarity).
 */
function neighbourDensity(S: Float32Array, m: number, k: number): Float32Array {
	const out = new Float32Array(m);
	const top = new Float32Array(k);
	for (let i = 0; i < m; i++) {
		top.fill(-Infinity);
		for (let j = 0; j < m; j++) {
			if (j === i) continue;
			const s = S[i * m + j]!;
			if (s <= top[k - 1]!) continue;
			let p = k - 1;
			while (p > 0 && top[p - 1]! < s) {
				top[p] = top[p - 1]!;
				p--;
			}
			top[p] = s;
		}
		let sum = 0;
		for (const s of top) sum += s;
		out[i] = sum / k;
	}
	return out;
}

/**
 * Which of the first m texts are outliers: their neighbourhood is much sparser than the
 * batch's typical one. Relative to the batch's median, so it holds for short and long texts
 * alike. Chosen on banking77's train split with out-of-scope texts mixed in (xstest prompts,
 * Reddit comments); it leaves 2-3% of an all-in-scope batch out.
 */
function findOutliers(density: Float32Array, median: number, m: number, k: number, ratio: number): Uint8Array {
	const out = new Uint8Array(m);
	if (m < Math.max(MIN_OUTLIER_BATCH, 2 * k)) return out;
	for (let i = 0; i < m; i++) if (density[i]! < ratio * median) out[i] = 1;
	return out;
}

/**
 * Groups texts without being told how many groups there are: outliers set aside, average-linkage
 * merging up to a similarity threshold, small clusters dissolved into their nearest neighbour,
 * then a few rounds of nearest-centre reassignment. Each cluster is named by its distinctive words.
 */
export async function clusterTexts(embedder: Embedder, texts: string[], opts: ClusterOptions = {}): Promise<Clustering> {
	const n = texts.length;
	if (n === 0) return { assignments: [], clusters: [] };
	const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
	const minSize = opts.minSize ?? Math.min(MAX_MIN_SIZE, Math.max(2, Math.ceil(n / 50)));
	const maxMatrix = opts.maxMatrix ?? 6000;
	const vectors = await textVectors(embedder, opts.compare ? texts.map(opts.compare) : texts, opts.ignoreWords, opts.denseWeight);

	const m = Math.min(n, maxMatrix);
	const S = new Float32Array(m * m);
	// Small batches (a consumer's few candidates) run in one piece: a yield there would only let
	// concurrent batches interleave more, and there is nothing long to break up.
	const pause = (m * (m - 1)) / 2 >= PAIRS_PER_SLICE ? yieldToLoop : async () => {};
	let pairs = 0;
	for (let i = 0; i < m; i++) {
		for (let j = i + 1; j < m; j++) {
			const s = similarity(vectors[i]!, vectors[j]!);
			S[i * m + j] = s;
			S[j * m + i] = s;
		}
		pairs += m - i - 1;
		if (pairs >= PAIRS_PER_SLICE) {
			pairs = 0;
			await pause();
		}
	}
	const k = Math.min(2 * minSize, m - 1);
	const density = k > 0 ? neighbourDensity(S, m, k) : new Float32Array(m).fill(1);
	const median = Float32Array.from(density).sort()[Math.floor(m / 2)]!;
	const outlier = opts.outliers === false ? new Uint8Array(m) : findOutliers(density, median, m, 2 * minSize, opts.outlierRatio ?? OUTLIER_RATIO);
	const absorb = opts.absorbSmall ?? true;
	const mergeSmall = absorb && (opts.mergeSmall ?? MERGE_SMALL) > 0;
	await pause();
	let labels = averageLinkage(S, m, threshold, (i) => outlier[i] === 1, mergeSmall ? minSize : 0).map((l, i) => (outlier[i] ? OUTLIER : l));
	if (n > m) {
		const placed = centres(vectors.slice(0, m), labels.slice(0, m), () => true);
		placed.delete(OUTLIER);
		for (let i = m; i < n; i++) labels.push(nearest(vectors[i]!, placed));
	}

	for (let round = 0; round <= (opts.refineRounds ?? 2); round++) {
		await pause();
		const sizes = new Map<number, number>();
		for (const l of labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
		const big = centres(vectors, labels, (size) => size >= minSize);
		big.delete(OUTLIER);
		if (big.size === 0) break;
		// The first pass only moves members of small clusters; later passes reassign everyone
		// (or, without absorption, only the members of big clusters among big clusters).
		labels = labels.map((l, i) => {
			if (l === OUTLIER) return l;
			const small = sizes.get(l)! < minSize;
			if (small) return absorb ? nearest(vectors[i]!, big) : l;
			return round === 0 ? l : nearest(vectors[i]!, big);
		});
	}

	await pause();
	const members = new Map<number, number[]>();
	labels.forEach((l, i) => {
		if (l !== OUTLIER) members.set(l, [...(members.get(l) ?? []), i]);
	});
	const ordered = [...members.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
	const keywords = clusterKeywords(
		ordered.map((idx) => idx.map((i) => texts[i]!)),
		3,
		opts.ignoreWords,
	);
	const assignments = new Array<number>(n).fill(OUTLIER);
	const clusters = ordered.map((idx, id) => {
		for (const i of idx) assignments[i] = id;
		const centre = centroid(idx.map((i) => vectors[i]!));
		const central = idx.reduce((best, i) => (similarity(vectors[i]!, centre) > similarity(vectors[best]!, centre) ? i : best), idx[0]!);
		return {
			id,
			size: idx.length,
			keywords: keywords[id]!,
			title: templateTitle(
				keywords[id]!,
				texts[central]!,
				idx.map((i) => texts[i]!),
			),
			central,
		};
	});
	return { assignments, clusters };
}
