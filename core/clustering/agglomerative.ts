/**
 * Average-linkage agglomerative clustering with a similarity threshold, by the
 * nearest-neighbour chain algorithm: O(n²) time over a dense n×n similarity matrix.
 * Merging stops where no two clusters are on average at least `threshold` similar;
 * average linkage is reducible, so a cluster whose nearest neighbour is below the
 * threshold can never be merged later and is final.
 * Items where `skip` is true take no part: each stays alone.
 * With `minSize`, clusters still smaller than that afterwards keep merging, smallest first, into
 * the cluster they are on average most similar to, whatever the threshold.
 * Returns, for each item, the index of its cluster's representative item.
 */
export function averageLinkage(similarities: Float32Array, n: number, threshold: number, skip?: (i: number) => boolean, minSize = 0): number[] {
	const S = similarities.slice();
	const size = new Float64Array(n).fill(1);
	const active = Uint8Array.from({ length: n }, (_, i) => (skip?.(i) ? 0 : 1));
	const final = new Uint8Array(n);
	const parent = Array.from({ length: n }, (_, i) => i);
	const root = (i: number): number => {
		while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
		return i;
	};
	/** Merges b into a; a's similarities become the size-weighted average (average linkage). */
	const merge = (a: number, b: number) => {
		const na = size[a]!,
			nb = size[b]!;
		for (let c = 0; c < n; c++) {
			if (!active[c] || c === a || c === b) continue;
			const s = (na * S[a * n + c]! + nb * S[b * n + c]!) / (na + nb);
			S[a * n + c] = s;
			S[c * n + a] = s;
		}
		size[a] = na + nb;
		active[b] = 0;
		parent[b] = a;
	};
	const chain: number[] = [];
	let next = 0;
	for (;;) {
		if (chain.length === 0) {
			while (next < n && (!active[next] || final[next])) next++;
			if (next >= n) break;
			chain.push(next);
		}
		const a = chain[chain.length - 1]!;
		const previous = chain.length >= 2 ? chain[chain.length - 2]! : -1;
		let b = -1;
		let best = -Infinity;
		for (let c = 0; c < n; c++) {
			if (c === a || !active[c] || final[c]) continue;
			const s = S[a * n + c]!;
			if (s > best || (s === best && c === previous)) {
				best = s;
				b = c;
			}
		}
		if (b < 0 || best < threshold) {
			final[a] = 1;
			chain.pop();
			continue;
		}
		if (b !== previous) {
			chain.push(b);
			continue;
		}
		chain.pop();
		chain.pop();
		merge(a, b);
	}
	for (;;) {
		let a = -1;
		for (let i = 0; i < n; i++) if (active[i] && size[i]! < minSize && (a < 0 || size[i]! < size[a]!)) a = i;
		if (a < 0) break;
		let b = -1;
		for (let c = 0; c < n; c++) if (c !== a && active[c] && (b < 0 || S[a * n + c]! > S[a * n + b]!)) b = c;
		if (b < 0) break;
		merge(b, a);
	}
	return Array.from({ length: n }, (_, i) => root(i));
}
