/** External clustering quality against gold labels: NMI (arithmetic normalisation), ARI, purity. */
function contingency(pred: (string | number)[], gold: (string | number)[]) {
	const table = new Map<string, number>();
	const rows = new Map<string, number>();
	const cols = new Map<string, number>();
	pred.forEach((p, i) => {
		const g = String(gold[i]!);
		const k = `${p}\u0000${g}`;
		table.set(k, (table.get(k) ?? 0) + 1);
		rows.set(String(p), (rows.get(String(p)) ?? 0) + 1);
		cols.set(g, (cols.get(g) ?? 0) + 1);
	});
	return { table, rows, cols, n: pred.length };
}

const entropy = (counts: Iterable<number>, n: number) => {
	let h = 0;
	for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
	return h;
};

export function nmi(pred: (string | number)[], gold: (string | number)[]): number {
	const { table, rows, cols, n } = contingency(pred, gold);
	let mi = 0;
	for (const [k, c] of table) {
		const [p, g] = k.split("\u0000") as [string, string];
		mi += (c / n) * Math.log((c * n) / (rows.get(p)! * cols.get(g)!));
	}
	const hp = entropy(rows.values(), n),
		hg = entropy(cols.values(), n);
	return hp + hg === 0 ? 1 : (2 * mi) / (hp + hg);
}

const choose2 = (x: number) => (x * (x - 1)) / 2;

export function ari(pred: (string | number)[], gold: (string | number)[]): number {
	const { table, rows, cols, n } = contingency(pred, gold);
	let index = 0;
	for (const c of table.values()) index += choose2(c);
	let a = 0,
		b = 0;
	for (const c of rows.values()) a += choose2(c);
	for (const c of cols.values()) b += choose2(c);
	const expected = (a * b) / choose2(n);
	const max = (a + b) / 2;
	return max === expected ? 1 : (index - expected) / (max - expected);
}

export function purity(pred: (string | number)[], gold: (string | number)[]): number {
	const { table, n } = contingency(pred, gold);
	const best = new Map<string, number>();
	for (const [k, c] of table) {
		const p = k.split("\u0000")[0]!;
		best.set(p, Math.max(best.get(p) ?? 0, c));
	}
	let sum = 0;
	for (const c of best.values()) sum += c;
	return sum / n;
}
