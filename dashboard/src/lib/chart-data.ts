import type { Marker } from "#core/api/issues";
import type { SignalInfo, SignalRates } from "#core/api/signals";

export interface ChartSeries {
	label: string;
	values: (number | null)[];
	colour?: string;
}

/** A signal's line: its name as the picker's key, its users in the whole window to rank it. */
export interface SignalSeries extends ChartSeries {
	key: string;
	windowUsers: number;
	colour: string;
}

/** Series colours, in rank order: a signal keeps its colour whichever others are shown. */
export const PALETTE = ["#6366f1", "#f97316", "#10b981", "#ef4444", "#0ea5e9", "#a855f7", "#eab308", "#14b8a6", "#ec4899", "#84cc16", "#64748b", "#f43f5e"];
export const seriesColour = (i: number) => PALETTE[i % PALETTE.length]!;

export interface ChartMarker {
	/** Unix seconds. */
	at: number;
	label: string;
}

const DAY_S = 86_400;
export const daySeconds = (isoDay: string) => Date.parse(`${isoDay.slice(0, 10)}T00:00:00Z`) / 1000;

/**
 * Signal rates as chart series: one line per signal that occurred in the window, % of each day's
 * active users, most users in the window first; signals never seen are left out so the chart shows what matters.
 */
export function signalRateSeries(rates: SignalRates, catalog: SignalInfo[], polarity?: "negative" | "positive"): { x: number[]; series: SignalSeries[] } {
	const x = rates.days.map((d) => daySeconds(d.day));
	const users = (name: string) => rates.window.signals[name]?.users ?? 0;
	const seen = catalog.filter((s) => (polarity ? s.polarity === polarity : true) && users(s.name) > 0);
	seen.sort((a, b) => users(b.name) - users(a.name) || a.name.localeCompare(b.name));
	return {
		x,
		series: seen.map((s, i) => ({
			key: s.name,
			label: s.name.replaceAll("_", " "),
			windowUsers: users(s.name),
			colour: seriesColour(i),
			values: rates.days.map((d) => d.signals[s.name]?.pct ?? 0),
		})),
	};
}

/** How many lines a chart shows before the reader picks more: past three, lines tangle. */
export const DEFAULT_SHOWN = 3;

/** The series shown: the reader's pick when there is one, else the top few by users (the series come ranked). */
export function shownSeries<S extends { key: string }>(ranked: S[], picked: ReadonlySet<string> | null, top = DEFAULT_SHOWN): S[] {
	return picked ? ranked.filter((s) => picked.has(s.key)) : ranked.slice(0, top);
}

/** The pick after toggling one series, starting from what is shown now. */
export function togglePick(ranked: { key: string }[], picked: ReadonlySet<string> | null, key: string, top = DEFAULT_SHOWN): Set<string> {
	const next = new Set(shownSeries(ranked, picked, top).map((s) => s.key));
	if (next.has(key)) next.delete(key);
	else next.add(key);
	return next;
}

/**
 * Allowed tick steps for an axis that counts (users, events): whole numbers only, so a small
 * count never reads "0.5 users". uPlot picks the smallest step that leaves room between ticks.
 */
export function countAxisIncrs(max: number): number[] {
	const out: number[] = [];
	for (let mag = 1; out.length === 0 || out[out.length - 1]! < Math.max(1, max); mag *= 10) out.push(mag, 2 * mag, 5 * mag);
	return out;
}

/** A marker label placed over a chart: one marker, or several close ones collapsed into "N changes". */
export interface MarkerLabel {
	text: string;
	/** Every marker's full label, for the tooltip. */
	title: string;
	/** Left edge of the label, CSS px from the plot's left. */
	left: number;
	row: number;
	markers: ChartMarker[];
}

/**
 * Places marker labels so none overlaps another or the plot's edges: a label sits right of its
 * line (left of it near the right edge), on the first of `rows` rows with room; markers closer than
 * `mergePx` (the same day on a month chart), with no row left, or whose left-hand label would span
 * another line, collapse into one "N changes" label at the first of them. `width` measures a label's text in px.
 */
export function layoutMarkerLabels(
	markers: { at: number; label: string; x: number }[],
	opts: { plotWidth: number; width: (text: string) => number; rows?: number; mergePx?: number; gap?: number },
): MarkerLabel[] {
	const rows = opts.rows ?? 2;
	const gap = opts.gap ?? 6;
	const sorted = markers.filter((m) => m.x >= 0 && m.x <= opts.plotWidth).sort((a, b) => a.x - b.x);
	let groups: (typeof sorted)[] = [];
	for (const m of sorted) {
		const last = groups[groups.length - 1];
		if (last && m.x - last[last.length - 1]!.x < (opts.mergePx ?? 12)) last.push(m);
		else groups.push([m]);
	}
	const text = (g: typeof sorted) => (g.length === 1 ? g[0]!.label : `${g.length} changes`);
	for (;;) {
		const rowEnds: number[] = Array.from({ length: rows }, () => Number.NEGATIVE_INFINITY);
		const placed: MarkerLabel[] = [];
		let clash = -1;
		for (const [i, g] of groups.entries()) {
			const t = text(g);
			const w = Math.min(opts.width(t), opts.plotWidth);
			const x = g[0]!.x;
			// Right of the line unless that runs past the right edge; never past either edge.
			const flipped = x + 4 + w > opts.plotWidth;
			const left = Math.max(0, Math.min(flipped ? x - 4 - w : x + 4, opts.plotWidth - w));
			const row = rowEnds.findIndex((end) => end + gap <= left);
			// A label left of its line that spans an earlier line would read as that line's: fold them together.
			const crossesEarlier = flipped && groups.slice(0, i).some((o) => o.some((m) => m.x > left && m.x < x));
			if (row === -1 || crossesEarlier) {
				clash = i;
				break;
			}
			rowEnds[row] = left + w;
			placed.push({ text: t, title: g.map((m) => m.label).join("\n"), left, row, markers: g.map(({ at, label }) => ({ at, label })) });
		}
		if (clash === -1) return placed;
		// No row had room: fold this group into the one before it and lay out again (fewer groups each time).
		groups = [...groups.slice(0, clash - 1), [...groups[clash - 1]!, ...groups[clash]!], ...groups.slice(clash + 1)];
	}
}

export function markerPoints(markers: Marker[]): ChartMarker[] {
	const names: Record<Marker["kind"], string> = { model: "model", prompt_version: "prompt", release: "release" };
	return markers.map((m) => ({ at: Date.parse(m.at) / 1000, label: `${names[m.kind]} ${m.value}` }));
}

/** Markers at day resolution, for daily charts (a marker in the middle of a day sits on that day). */
export function dailyMarkers(markers: Marker[]): ChartMarker[] {
	return markerPoints(markers).map((m) => ({ ...m, at: Math.floor(m.at / DAY_S) * DAY_S }));
}
