import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { ChartMarker, ChartSeries } from "../lib/chart-data";

const PALETTE = ["#6366f1", "#f97316", "#10b981", "#ef4444", "#0ea5e9", "#a855f7", "#eab308", "#14b8a6", "#ec4899", "#84cc16", "#64748b", "#f43f5e"];
export const seriesColour = (i: number) => PALETTE[i % PALETTE.length]!;

const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** Dashed vertical lines with a label at each marker (model, prompt-version, release changes). */
function markerPlugin(markers: ChartMarker[]): uPlot.Plugin {
	return {
		hooks: {
			draw: (u) => {
				const ctx = u.ctx;
				ctx.save();
				ctx.strokeStyle = cssVar("--muted", "#888");
				ctx.fillStyle = cssVar("--muted", "#888");
				ctx.setLineDash([4, 4]);
				ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
				for (const m of markers) {
					const x = Math.round(u.valToPos(m.at, "x", true));
					if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
					ctx.beginPath();
					ctx.moveTo(x, u.bbox.top);
					ctx.lineTo(x, u.bbox.top + u.bbox.height);
					ctx.stroke();
					ctx.fillText(m.label, x + 4, u.bbox.top + 12 * devicePixelRatio);
				}
				ctx.restore();
			},
		},
	};
}

/**
 * A time-series chart (uPlot: small, canvas, fast). x in Unix seconds; one line (or bars) per
 * series; `unit` formats the y axis and the legend.
 */
export function TimeChart(props: {
	x: number[];
	series: ChartSeries[];
	markers?: ChartMarker[];
	height?: number;
	unit?: "%" | "";
	bars?: boolean;
	label: string;
}) {
	const host = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const el = host.current;
		if (!el) return;
		const axis = { stroke: cssVar("--muted", "#888"), grid: { stroke: cssVar("--border", "#ddd"), width: 1 }, ticks: { stroke: cssVar("--border", "#ddd") } };
		const fmt = (v: number | null) => (v === null ? "—" : `${Math.round(v * 10) / 10}${props.unit ?? ""}`);
		const opts: uPlot.Options = {
			width: Math.max(240, el.clientWidth),
			height: props.height ?? 220,
			plugins: [markerPlugin(props.markers ?? [])],
			cursor: { drag: { x: false, y: false } },
			legend: { show: props.series.length > 1 || props.bars !== true },
			scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, props.unit === "%" ? 1 : 1) * 1.1] } },
			axes: [axis, { ...axis, values: (_u, vals) => vals.map((v) => fmt(v)), size: 50 }],
			series: [
				{},
				...props.series.map((s, i) => ({
					label: s.label,
					stroke: s.colour ?? seriesColour(i),
					fill: props.bars ? `${s.colour ?? seriesColour(i)}99` : undefined,
					width: 2,
					value: (_u: uPlot, v: number | null) => fmt(v),
					paths: props.bars ? uPlot.paths.bars!({ size: [0.7, 40] }) : undefined,
					points: { show: props.x.length < 40 },
				})),
			],
		};
		const plot = new uPlot(opts, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, el);
		const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: props.height ?? 220 }));
		resize.observe(el);
		return () => {
			resize.disconnect();
			plot.destroy();
		};
	}, [props.x, props.series, props.markers, props.height, props.unit, props.bars]);
	return <div class="chart" ref={host} role="img" aria-label={props.label} />;
}

/** A tiny trend line for tables: no axes, no legend, no cursor. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
	const host = useRef<HTMLDivElement>(null);
	useEffect(() => {
		const el = host.current;
		if (!el) return;
		const colour = cssVar("--accent", "#6366f1");
		const plot = new uPlot(
			{
				width: 96,
				height: 28,
				legend: { show: false },
				cursor: { show: false },
				axes: [{ show: false }, { show: false }],
				scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
				series: [{}, { stroke: colour, fill: `${colour}33`, width: 1.5, points: { show: false } }],
			},
			[values.map((_, i) => i), values],
			el,
		);
		return () => plot.destroy();
	}, [values]);
	return <div class="sparkline" ref={host} role="img" aria-label={label} />;
}
