// Small statistics for the benchmarks' tables.
export interface Spread {
	min: number;
	median: number;
	max: number;
}

export const spread = (xs: number[]): Spread => {
	const s = [...xs].sort((a, b) => a - b);
	return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
};

/** The nearest-rank percentile. */
export const percentile = (xs: number[], p: number) => {
	const sorted = [...xs].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
