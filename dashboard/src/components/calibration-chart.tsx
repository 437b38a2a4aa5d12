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

/** The operating points as vertical lines: the current one solid, the one being picked dashed. */
function operatingPointPlugin(marks: { current: Marks }): uPlot.Plugin {
	const line = (u: uPlot, at: number, colour: string, dash: number[], label: string) => {
		const ctx = u.ctx;
		const x = Math.round(u.valToPos(at, "x", true));
		ctx.strokeStyle = colour;
		ctx.fillStyle = colour;
		ctx.lineWidth = 2 * devicePixelRatio;
		ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
		ctx.beginPath();
		ctx.moveTo(x, u.bbox.top);
		ctx.lineTo(x, u.bbox.top + u.bbox.height);
		ctx.stroke();
		ctx.font = `600 ${11 * devicePixelRatio}px system-ui, sans-serif`;
		// Labels sit inside the plot, on the side with room, on a patch of background so the curves do not cross them.
		const px = devicePixelRatio;
		ctx.textAlign = "left";
		ctx.textBaseline = "alphabetic";
		const width = ctx.measureText(label).width;
		const right = x + 8 * px + width < u.bbox.left + u.bbox.width;
		const left = right ? x + 4 * px : x - 4 * px - width - 6 * px;
		const top = u.bbox.top + (dash.length ? 22 : 4) * px;
		ctx.fillStyle = cssVar("--panel", "#fff");
		ctx.fillRect(left, top, width + 6 * px, 16 * px);
		ctx.fillStyle = colour;
		ctx.fillText(label, left + 3 * px, top + 12 * px);
	};
	return {
		hooks: {
			draw: (u) => {
				const { current, selected } = marks.current;
				u.ctx.save();
				line(u, current, cssVar("--text", "#16161d"), [], `current ${current.toFixed(2)}`);
				if (Math.abs(selected - current) > 1e-9) line(u, selected, cssVar("--accent", "#4f46e5"), [5, 4], `picked ${selected.toFixed(2)}`);
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
