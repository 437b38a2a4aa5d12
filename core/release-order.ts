/**
 * Orders release names the way people write them: "2026.11.10" after "2026.11.3", "v12" after "v9",
 * "1.4.0-rc2" after "1.4.0-rc1". Digit runs compare as numbers, other runs as text.
 */
export function compareReleases(a: string, b: string): number {
	const parts = (s: string) =>
		s
			.trim()
			.toLowerCase()
			.match(/\d+|[^\d]+/g) ?? [];
	const pa = parts(a);
	const pb = parts(b);
	for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
		const x = pa[i];
		const y = pb[i];
		if (x === undefined) return -1;
		if (y === undefined) return 1;
		const nx = /^\d+$/.test(x);
		const ny = /^\d+$/.test(y);
		if (nx && ny) {
			const d = Number(x) - Number(y);
			if (d !== 0) return Math.sign(d);
		} else if (x !== y) return x < y ? -1 : 1;
	}
	return 0;
}
