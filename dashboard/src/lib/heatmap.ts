/**
 * Heat-map cells: the share of an intent's users with a signal, as a colour intensity. A square
 * root scale, so 2 % is visible next to 40 %, capped at `max` (the hottest cell in view).
 */
export function heatLevel(pct: number, max: number): number {
	if (pct <= 0 || max <= 0) return 0;
	return Math.min(1, Math.sqrt(pct / max));
}

export function heatStyle(pct: number, max: number, polarity: "negative" | "positive"): Record<string, string> {
	const level = heatLevel(pct, max);
	if (level === 0) return {};
	const hue = polarity === "negative" ? "var(--heat-negative)" : "var(--heat-positive)";
	return { background: `color-mix(in srgb, ${hue} ${Math.round(8 + level * 80)}%, transparent)` };
}

/** Columns worth showing: signals that any intent in view has, negative ones first. */
export function matrixColumns(rows: { signals: Record<string, { users: number }> }[], polarity: (s: string) => "negative" | "positive"): string[] {
	const seen = new Map<string, number>();
	for (const r of rows) for (const [s, c] of Object.entries(r.signals)) seen.set(s, (seen.get(s) ?? 0) + c.users);
	return [...seen.entries()].sort((a, b) => (polarity(a[0]) === polarity(b[0]) ? b[1] - a[1] : polarity(a[0]) === "negative" ? -1 : 1)).map(([s]) => s);
}
