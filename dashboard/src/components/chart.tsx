import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { type ChartMarker, type ChartSeries, countAxisIncrs, layoutMarkerLabels, seriesColour } from "../lib/chart-data";

const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

const MARKER_FONT = "11px system-ui, sans-serif";
const MARKER_ROW_PX = 15;

/**
 * Dashed vertical lines at each marker (model, prompt-version, release changes), drawn on the canvas;
 * their labels are HTML over the plot so close ones can be staggered or collapsed, with the full text as a tooltip.
 */
function markerPlugin(markers: ChartMarker[]): uPlot.Plugin {
	let layer: HTMLDivElement | null = null;
	let measure: CanvasRenderingContext2D | null = null;
	return {
		hooks: {
			init: (u) => {
				layer = document.createElement("div");
				layer.className = "chart-markers";
				u.over.appendChild(layer);
				measure = document.createElement("canvas").getContext("2d");
				if (measure) measure.font = MARKER_FONT;
			},
			draw: (u) => {
				const ctx = u.ctx;
				ctx.save();
				ctx.strokeStyle = cssVar("--muted", "#888");
				ctx.setLineDash([4, 4]);
				const inPlot = markers.map((m) => ({ ...m, x: u.valToPos(m.at, "x") })).filter((m) => m.x >= 0 && m.x <= u.bbox.width / devicePixelRatio);
				for (const m of inPlot) {
					const x = Math.round(u.valToPos(m.at, "x", true));
					ctx.beginPath();
					ctx.moveTo(x, u.bbox.top);
					ctx.lineTo(x, u.bbox.top + u.bbox.height);
					ctx.stroke();
				}
				ctx.restore();
				if (!layer) return;
				const labels = layoutMarkerLabels(inPlot, {
					plotWidth: u.bbox.width / devicePixelRatio,
					width: (t) => Math.ceil(measure?.measureText(t).width ?? t.length * 6.5) + 2,
				});
				layer.replaceChildren(
					...labels.map((l) => {
						const span = document.createElement("span");
						span.className = "chart-marker-label";
						span.textContent = l.text;
						span.title = l.title;
						if (l.markers.length > 1) span.setAttribute("aria-label", `${l.text}: ${l.markers.map((m) => m.label).join(", ")}`);
						span.style.left = `${l.left}px`;
						span.style.top = `${2 + l.row * MARKER_ROW_PX}px`;
						return span;
					}),
				);
			},
		},
	};
}

/**
 * A time-series chart (uPlot: small, canvas, fast). x in Unix seconds; one line (or bars) per
 * series; `unit` formats the y axis and the legend: "%" for shares, none for counts (whole-number ticks).
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
		const isCount = props.unit !== "%";
		const fmt = (v: number | null) => (v === null ? "—" : `${Math.round(v * 10) / 10}${props.unit ?? ""}`);
		const yAxis: uPlot.Axis = {
			...axis,
			values: (_u, vals) => vals.map((v) => fmt(v)),
			size: 50,
			// Counts step by whole numbers only: no "0.5 users".
			...(isCount ? { incrs: (_u: uPlot, _i: number, _min: number, max: number) => countAxisIncrs(max) } : {}),
		};
		const opts: uPlot.Options = {
			width: Math.max(240, el.clientWidth),
			height: props.height ?? 220,
			plugins: [markerPlugin(props.markers ?? [])],
			cursor: { drag: { x: false, y: false } },
			legend: { show: props.series.length > 1 || props.bars !== true },
			scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, props.unit === "%" ? 1 : 1) * 1.1] } },
			axes: [axis, yAxis],
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
