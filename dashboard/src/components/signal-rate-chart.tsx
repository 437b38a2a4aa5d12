import { useMemo, useState } from "preact/hooks";
import { type ChartMarker, DEFAULT_SHOWN, type SignalSeries, shownSeries, togglePick } from "../lib/chart-data";
import { TimeChart } from "./chart";
import { SeriesPicker } from "./series-picker";

/**
 * Signals as % of daily users: the top few by users in the window drawn, the rest one chip away.
 * `pickerLabel` names the chip group for screen readers.
 */
export function SignalRateChart(props: { x: number[]; series: SignalSeries[]; markers?: ChartMarker[]; height?: number; label: string; pickerLabel: string }) {
	const [picked, setPicked] = useState<Set<string> | null>(null);
	const shown = useMemo(() => shownSeries(props.series, picked), [props.series, picked]);
	const shownKeys = useMemo(() => new Set(shown.map((s) => s.key)), [shown]);
	return (
		<div class="signal-rate-chart">
			{shown.length ? (
				<TimeChart x={props.x} series={shown} markers={props.markers} height={props.height} unit="%" label={props.label} />
			) : (
				<p class="hint">No signal picked: choose one below.</p>
			)}
			{props.series.length > DEFAULT_SHOWN && (
				<SeriesPicker series={props.series} shown={shownKeys} onToggle={(key) => setPicked(togglePick(props.series, picked, key))} label={props.pickerLabel} />
			)}
		</div>
	);
}
