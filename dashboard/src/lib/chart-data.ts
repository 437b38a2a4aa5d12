import type { Marker } from "#core/api/issues";
import type { SignalInfo, SignalRates } from "#core/api/signals";

export interface ChartSeries {
	label: string;
	values: (number | null)[];
	colour?: string;
}

export interface ChartMarker {
	/** Unix seconds. */
	at: number;
	label: string;
}

const DAY_S = 86_400;
export const daySeconds = (isoDay: string) => Date.parse(`${isoDay.slice(0, 10)}T00:00:00Z`) / 1000;

/**
 * Signal rates as chart series: one line per signal that occurred in the window, % of each day's
 * active users; signals never seen are left out so the chart shows what matters.
 */
export function signalRateSeries(rates: SignalRates, catalog: SignalInfo[], polarity?: "negative" | "positive"): { x: number[]; series: ChartSeries[] } {
	const x = rates.days.map((d) => daySeconds(d.day));
	const seen = catalog.filter((s) => (polarity ? s.polarity === polarity : true) && rates.window.signals[s.name]?.users);
	seen.sort((a, b) => (rates.window.signals[b.name]?.pct ?? 0) - (rates.window.signals[a.name]?.pct ?? 0));
	return { x, series: seen.map((s) => ({ label: s.name.replaceAll("_", " "), values: rates.days.map((d) => d.signals[s.name]?.pct ?? 0) })) };
}

export function markerPoints(markers: Marker[]): ChartMarker[] {
	const names: Record<Marker["kind"], string> = { model: "model", prompt_version: "prompt", release: "release" };
	return markers.map((m) => ({ at: Date.parse(m.at) / 1000, label: `${names[m.kind]} ${m.value}` }));
}

/** Markers at day resolution, for daily charts (a marker in the middle of a day sits on that day). */
export function dailyMarkers(markers: Marker[]): ChartMarker[] {
	return markerPoints(markers).map((m) => ({ ...m, at: Math.floor(m.at / DAY_S) * DAY_S }));
}
