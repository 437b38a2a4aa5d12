import type { SignalSeries } from "../lib/chart-data";

/**
 * Toggle chips under a chart, one per series: a pressed chip is a line on the chart. Buttons, so
 * Tab and Enter/Space work; each chip carries its line's colour and its users in the window.
 */
export function SeriesPicker({
	series,
	shown,
	onToggle,
	label,
}: {
	series: SignalSeries[];
	shown: ReadonlySet<string>;
	onToggle: (key: string) => void;
	label: string;
}) {
	return (
		<fieldset class="series-picker">
			<legend class="visually-hidden">{label}</legend>
			{series.map((s) => (
				<button
					key={s.key}
					type="button"
					class="series-chip"
					aria-pressed={shown.has(s.key)}
					title={`${s.label}: ${s.windowUsers.toLocaleString("en")} users in the window`}
					onClick={() => onToggle(s.key)}
				>
					<span class="swatch" style={{ background: s.colour }} aria-hidden="true" />
					{s.label}
					<span class="series-chip-users">{s.windowUsers.toLocaleString("en")}</span>
				</button>
			))}
		</fieldset>
	);
}
