import "uplot/dist/uPlot.min.css";
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { DeepSearch } from "#core/api/deep-searches";
import { curveColumns, percent } from "../lib/deep-search";

const PRECISION = "#6366f1";
const RECALL = "#f97316";

const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

interface Marks {
	current: number;
	selected: number;
}

/** Room above the plot for the operating points' labels, so they never cover the curves. */
const LABEL_BAND = 20;

/**
 * The operating points as vertical lines: the current one solid, the one being picked dashed. Their
 * labels sit in the band above the plot, each on the side away from the other.
 */
function operatingPointPlugin(marks: { current: Marks }): uPlot.Plugin {
	const line = (u: uPlot, at: number, colour: string, dash: number[], label: string, side: "left" | "right") => {
		const ctx = u.ctx;
		const px = devicePixelRatio;
		const x = Math.round(u.valToPos(at, "x", true));
		ctx.strokeStyle = colour;
		ctx.fillStyle = colour;
		ctx.lineWidth = 2 * px;
		ctx.setLineDash(dash.map((d) => d * px));
		ctx.beginPath();
		ctx.moveTo(x, u.bbox.top - 4 * px);
		ctx.lineTo(x, u.bbox.top + u.bbox.height);
		ctx.stroke();
		ctx.font = `600 ${11 * px}px system-ui, sans-serif`;
		ctx.textAlign = "left";
		ctx.textBaseline = "alphabetic";
		const width = ctx.measureText(label).width;
		const fitsRight = x + 6 * px + width < u.bbox.left + u.bbox.width + 10 * px;
		const fitsLeft = x - 6 * px - width > 0;
		const right = side === "right" ? fitsRight || !fitsLeft : !fitsLeft;
		ctx.fillText(label, right ? x + 5 * px : x - 5 * px - width, u.bbox.top - 6 * px);
	};
	return {
		hooks: {
			draw: (u) => {
				const { current, selected } = marks.current;
				const picking = Math.abs(selected - current) > 1e-9;
				u.ctx.save();
				line(u, current, cssVar("--text", "#16161d"), [], `current ${current.toFixed(2)}`, picking && selected > current ? "left" : "right");
				if (picking) line(u, selected, cssVar("--accent", "#4f46e5"), [5, 4], `picked ${selected.toFixed(2)}`, selected > current ? "right" : "left");
				u.ctx.restore();
			},
		},
	};
}

/**
 * Precision and recall (with their 90% intervals as bands) against the match threshold. A click
 * picks the threshold under the cursor; `current` and `selected` redraw without rebuilding the plot.
 */
export function CalibrationChart(props: {
	points: DeepSearch["calibration"]["points"];
	current: number;
	selected: number;
	onPick?: (threshold: number) => void;
	height?: number;
}) {
	const host = useRef<HTMLDivElement>(null);
	const marks = useRef<Marks>({ current: props.current, selected: props.selected });
	const plot = useRef<uPlot | null>(null);
	const onPick = useRef(props.onPick);
	onPick.current = props.onPick;

	useEffect(() => {
		const el = host.current;
		if (!el) return;
		const c = curveColumns(props.points);
		const axis = { stroke: cssVar("--muted", "#888"), grid: { stroke: cssVar("--border", "#ddd"), width: 1 }, ticks: { stroke: cssVar("--border", "#ddd") } };
		const edge = (colour: string) => ({ stroke: `${colour}55`, width: 1, points: { show: false } });
		const height = props.height ?? 240;
		const u = new uPlot(
			{
				width: Math.max(240, el.clientWidth),
				height,
				legend: { show: false },
				padding: [LABEL_BAND, 12, 0, 0],
				cursor: { drag: { x: false, y: false }, points: { size: 7 } },
				plugins: [operatingPointPlugin(marks)],
				scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1.02] } },
				axes: [
					{
						...axis,
						incrs: [0.05, 0.1, 0.2, 0.25, 0.5],
						values: (_u, vals) => vals.map((v) => String(Number(v.toFixed(2)))),
						label: "match threshold",
						labelSize: 20,
						labelFont: "12px system-ui",
					},
					{ ...axis, values: (_u, vals) => vals.map((v) => percent(v)), size: 54 },
				],
				series: [
					{},
					{ label: "precision", stroke: PRECISION, width: 2, points: { show: c.threshold.length < 30 } },
					{ label: "precision low", ...edge(PRECISION) },
					{ label: "precision high", ...edge(PRECISION) },
					{ label: "recall", stroke: RECALL, width: 2, points: { show: c.threshold.length < 30 } },
					{ label: "recall low", ...edge(RECALL) },
					{ label: "recall high", ...edge(RECALL) },
				],
				bands: [
					{ series: [3, 2], fill: `${PRECISION}22` },
					{ series: [6, 5], fill: `${RECALL}22` },
				],
			},
			[c.threshold, c.precision, c.precisionLow, c.precisionHigh, c.recall, c.recallLow, c.recallHigh],
			el,
		);
		u.over.style.cursor = props.onPick ? "pointer" : "default";
		u.over.addEventListener("click", () => {
			const left = u.cursor.left;
			if (left === undefined || left < 0) return;
			onPick.current?.(u.posToVal(left, "x"));
		});
		plot.current = u;
		const resize = new ResizeObserver(() => u.setSize({ width: Math.max(240, el.clientWidth), height }));
		resize.observe(el);
		return () => {
			resize.disconnect();
			u.destroy();
			plot.current = null;
		};
	}, [props.points, props.height]);

	useEffect(() => {
		marks.current = { current: props.current, selected: props.selected };
		plot.current?.redraw(false);
	}, [props.current, props.selected]);

	return (
		<div class="calibration">
			<div class="chart" ref={host} role="img" aria-label="Precision and recall against the match threshold, with their 90% intervals" />
			<ul class="chart-legend">
				<li>
					<span class="swatch" style={{ background: PRECISION }} /> precision
				</li>
				<li>
					<span class="swatch" style={{ background: RECALL }} /> recall
				</li>
				<li class="hint">bands: 90% intervals</li>
				<li class="hint">
					<span class="swatch swatch-line" /> current operating point
				</li>
				{props.onPick && <li class="hint">click the chart to pick another</li>}
			</ul>
		</div>
	);
}
