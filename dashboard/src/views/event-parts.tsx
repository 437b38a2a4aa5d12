import type { DetectionView, EventDetail, ToolCallView } from "#core/api/events";
import { DetectionBadges, SignalBadges } from "../components/signal-badges";
import { highlightSpans } from "../lib/highlight";

export function Turn({ speaker, text, detections = [] }: { speaker: "user" | "assistant"; text: string | null; detections?: DetectionView[] }) {
	if (!text) return null;
	const field = speaker === "user" ? "input" : "output";
	const spans = detections.flatMap((d) =>
		d.evidence?.field === field && d.evidence.end > d.evidence.start ? [{ start: d.evidence.start, end: d.evidence.end, label: d.signal }] : [],
	);
	return (
		<div class={`bubble bubble-${speaker}`}>
			<div class="bubble-role">{speaker}</div>
			<div class="bubble-text">
				{highlightSpans(text, spans).map((part, i) =>
					part.label ? (
						<mark key={i} title={part.label}>
							{part.text}
						</mark>
					) : (
						part.text
					),
				)}
			</div>
		</div>
	);
}

/** Every tool call on one line; a failing one names its error on that line, its input and output a click away. */
export function ToolCalls({ calls }: { calls: ToolCallView[] }) {
	if (calls.length === 0) return null;
	const failed = calls.filter((c) => c.error).length;
	return (
		<div class="tool-calls">
			<div class="tool-calls-head">
				{calls.length} tool call{calls.length === 1 ? "" : "s"}
				{failed > 0 && <span class="error-text"> · {failed} failed</span>}
			</div>
			{calls.map((call) => (
				<details key={call.index} class={call.error ? "tool-call tool-error" : "tool-call"}>
					<summary>
						<code>{call.name}</code>
						{call.duration_ms !== null && <span class="muted"> {call.duration_ms} ms</span>}
						{call.error && <span class="badge badge-negative">error</span>}
						{call.error && <span class="tool-error-line">{firstLine(call.error)}</span>}
					</summary>
					{call.input && <pre>{call.input}</pre>}
					{call.output && <pre>{call.output}</pre>}
					{call.error && <pre class="error-text">{call.error}</pre>}
				</details>
			))}
		</div>
	);
}

const firstLine = (text: string) => {
	const line = text.split("\n", 1)[0]!;
	return line.length > 140 ? `${line.slice(0, 139)}…` : line;
};

export function PropertyTable({ values }: { values: Record<string, unknown> }) {
	const entries = Object.entries(values);
	if (entries.length === 0) return <p class="muted">None</p>;
	return (
		<dl class="props">
			{entries.map(([k, v]) => (
				<div key={k}>
					<dt>{k}</dt>
					<dd>{String(v)}</dd>
				</div>
			))}
		</dl>
	);
}

export function EventTurns({ event }: { event: EventDetail }) {
	return (
		<div class="turns">
			<Turn speaker="user" text={event.input} detections={event.detections} />
			<ToolCalls calls={event.tool_calls} />
			<Turn speaker="assistant" text={event.output} detections={event.detections} />
			<div class="badges-row">
				<DetectionBadges detections={event.detections} />
				<SignalBadges signals={event.signals} />
			</div>
		</div>
	);
}
