import { type SpanContext, inherit, ownContext, withResource } from "./span-context";
import { type LlmReading, readCall, type ToolReading, readTool, roleOf, STATUS_ERROR, type SpanRole, toolNameOf } from "./span-readers";
import { foldDown, nearestUp, outermostUp, readSpans, type Span } from "./span-tree";
import type { ExportTraceRequest, OtlpSpan } from "./otlp-types";

/**
 * OpenTelemetry spans → Barometer events, one event per logical turn. A turn is the outermost turn span
 * (an agent run, a Vercel AI SDK generateText) with every model call and tool call below it; model calls
 * outside any turn span are grouped by trace and by what the user said, so the steps of one call (which
 * re-send the same prompt) are one event, never read as the user repeating themselves. Tool spans become
 * tool calls of their turn; a tool the model asked for without a tool span of its own is a tool call too,
 * with the result the app sent back. Spans of other kinds are ignored. Who the user is, the conversation and
 * the app's properties are inherited from ancestor spans. See span-readers.ts for the conventions read.
 * https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */

export interface MappedToolCall {
	name: string;
	input?: unknown;
	output?: unknown;
	error?: string | null;
	duration_ms?: number;
}

export interface MappedEvent {
	event_id: string;
	timestamp: number;
	user_id: string;
	convo_id?: string;
	event: string;
	model?: string;
	input?: string;
	output?: string;
	properties: Record<string, string | number | boolean>;
	tool_calls: MappedToolCall[];
	/** The id is the app's own event's (see SpanContext.eventId): the tool calls are to join that event. */
	linked?: true;
}

export interface SpanMapping {
	events: MappedEvent[];
	/** Where each event came from: the path of its span (`resourceSpans[0].scopeSpans[0].spans[2]`). */
	sources: string[];
	/** GenAI spans that could not be mapped: the field at fault and why. */
	rejected: { spanId: string; field: string; reason: string }[];
	ignoredSpans: number;
}

/** The spans of one turn: its turn span (if any), model calls in time order, tool spans. */
interface Turn {
	key: Span;
	turn?: Span;
	calls: Span[];
	tools: Span[];
}

const byTime = (a: Span, b: Span) => a.start - b.start || a.index - b.index;
const idOk = (s: Span) => !!s.raw.spanId && !!s.raw.traceId;
const eventId = (s: Span) => `otel_${s.raw.traceId.slice(0, 16)}_${s.raw.spanId}`;

function baseProperties(s: Span): Record<string, string | number | boolean> {
	const p: Record<string, string | number | boolean> = { otel_trace_id: s.raw.traceId, otel_span_id: s.raw.spanId, duration_ms: Math.max(0, s.end - s.start) };
	const copy: [string, string][] = [
		["gen_ai.provider.name", "provider"],
		["gen_ai.system", "provider"],
		["ai.model.provider", "provider"],
		["llm.system", "provider"],
		["gen_ai.request.temperature", "temperature"],
		["gen_ai.agent.name", "agent"],
		["service.name", "service"],
		["service.version", "release"],
	];
	for (const [from, to] of copy) {
		const v = s.attrs.get(from) ?? s.resource.get(from);
		if (v !== undefined && p[to] === undefined && (typeof v === "string" || typeof v === "number" || typeof v === "boolean")) p[to] = v;
	}
	return p;
}

const errorOf = (s: Span) => (s.raw.status?.code === STATUS_ERROR ? s.raw.status.message || String(s.attrs.get("error.type") ?? "error") : undefined);

/** Tool calls the model asked for that no tool span ran (the app ran them itself), with the results it sent back. */
function requestedOnly(readings: LlmReading[], spanned: ToolReading[]): MappedToolCall[] {
	const results = readings.flatMap((r) => r.results);
	const unmatched = [...spanned];
	const out: MappedToolCall[] = [];
	const seen = new Set<string>();
	for (const req of readings.flatMap((r) => r.requested)) {
		const key = req.id ?? `${req.name}:${JSON.stringify(req.input)}`;
		if (seen.has(key)) continue;
		seen.add(key);
		// The tool span that ran it: the same call id, else (a span without one) the same tool name.
		const i = unmatched.findIndex((t) => (req.id && t.id === req.id) || (!t.id && t.name === req.name));
		if (i >= 0) {
			unmatched.splice(i, 1);
			continue;
		}
		const result = results.find((r) => (req.id && r.id === req.id) || (!r.id && r.name === req.name));
		out.push({ name: req.name, input: req.input, output: result?.output, error: result?.error ?? null });
	}
	return out;
}

function buildEvent(t: Turn, context: (s: Span) => SpanContext | undefined): MappedEvent {
	const calls = t.calls.map(readCall);
	const turn = t.turn ? readCall(t.turn) : undefined;
	const head = t.key;
	const first = t.calls[0] ?? head;
	const toolSet = new Set(t.tools);
	const members = [head, ...t.calls, ...t.tools.filter((x) => x !== head)];
	// The nearest context of the turn's spans; missing values from the other spans of the turn.
	let ctx: SpanContext = { properties: {} };
	for (const m of members.slice().reverse()) ctx = inherit(context(m) ?? { properties: {} }, ctx);
	ctx = withResource(ctx, head);
	const tools = t.tools.sort(byTime).map(readTool);
	const toolCalls: MappedToolCall[] = [...tools.map(({ id: _id, ...call }) => call), ...requestedOnly(calls, tools)];
	const properties = { ...baseProperties(head), ...ctx.properties };
	if (head !== first) Object.assign(properties, Object.fromEntries(Object.entries(baseProperties(first)).filter(([k]) => properties[k] === undefined)));
	const sum = (k: "inputTokens" | "outputTokens") => {
		const xs = (calls.length ? calls : turn ? [turn] : []).map((c) => c[k]).filter((x): x is number => x !== undefined);
		return xs.length ? xs.reduce((a, b) => a + b, 0) : undefined;
	};
	const input = sum("inputTokens");
	const output = sum("outputTokens");
	if (input !== undefined) properties.input_tokens = input;
	if (output !== undefined) properties.output_tokens = output;
	if (t.calls.length > 1) properties.llm_calls = t.calls.length;
	const reasons = t.calls.at(-1)?.attrs.get("gen_ai.response.finish_reasons") ?? head.attrs.get("gen_ai.response.finish_reasons");
	if (Array.isArray(reasons)) properties.finish_reasons = reasons.join(",");
	const error = members
		.filter((m) => !toolSet.has(m))
		.map(errorOf)
		.find(Boolean);
	if (error) properties.error = error;
	const lastWithText = [...calls].reverse().find((c) => c.output);
	const earliest = members.reduce((t, m) => (m.start > 0 && m.start < t ? m.start : t), Number.POSITIVE_INFINITY);
	const convo = ctx.convoId ?? head.raw.traceId;
	const op = String(first.attrs.get("gen_ai.operation.name") ?? (t.calls.length ? "chat" : t.turn ? "invoke_agent" : "execute_tool"));
	return {
		event_id: ctx.eventId ?? eventId(head),
		...(ctx.eventId ? { linked: true as const } : {}),
		timestamp: Number.isFinite(earliest) ? earliest : Date.now(),
		user_id: ctx.userId ?? `anonymous:${ctx.convoId ?? head.raw.traceId}`,
		convo_id: convo,
		event: ctx.eventName ?? `gen_ai.${op}`,
		model: [...calls].reverse().find((c) => c.model)?.model ?? turn?.model,
		input: turn?.input ?? calls.find((c) => c.input)?.input,
		output: turn?.output ?? lastWithText?.output,
		properties,
		tool_calls: toolCalls,
	};
}

/**
 * Maps a request that passed checkTraceRequest. `pathOf` names a span's place in the original body
 * (the checked request leaves malformed spans out, so its own indices may differ).
 */
export function mapGenAiSpans(request: ExportTraceRequest, pathOf?: (span: OtlpSpan) => string | undefined): SpanMapping {
	const { spans, parentOf } = readSpans(request, pathOf);
	const role = new Map<Span, SpanRole>();
	for (const s of spans) {
		const r = roleOf(s);
		if (r) role.set(s, r);
	}
	const rejected: SpanMapping["rejected"] = [];
	const usable = (s: Span) => {
		if (idOk(s)) return true;
		rejected.push({ spanId: s.raw.spanId ?? "", field: `${s.path}.${s.raw.traceId ? "spanId" : "traceId"}`, reason: "is required" });
		return false;
	};
	const context = foldDown<SpanContext>(parentOf, (s, above) => inherit(ownContext(s.attrs), above));
	const outermostTurn = outermostUp(parentOf, (s) => role.get(s) === "turn" && idOk(s));
	const turns = new Map<Span, Turn>();
	const turnOf = (key: Span, turn?: Span) => {
		let t = turns.get(key);
		if (!t) turns.set(key, (t = { key, turn, calls: [], tools: [] }));
		return t;
	};
	// Turn spans, then model calls: under a turn span, or grouped by trace and what the user said.
	for (const s of spans) if (role.get(s) === "turn" && usable(s) && outermostTurn(s) === s) turnOf(s, s);
	const byPrompt = new Map<string, Span>();
	const callTurn = new Map<Span, Turn>();
	for (const s of spans.filter((x) => role.get(x) === "llm").sort(byTime)) {
		if (!usable(s)) continue;
		const top = outermostTurn(s);
		let t: Turn;
		if (top) t = turnOf(top, top);
		else {
			const said = readCall(s).input;
			const key = said === undefined ? undefined : `${s.raw.traceId}\u0000${said}`;
			const owner = key === undefined ? s : (byPrompt.get(key) ?? s);
			if (key !== undefined) byPrompt.set(key, owner);
			t = turnOf(owner);
		}
		t.calls.push(s);
		callTurn.set(s, t);
	}
	attachTools(spans, role, parentOf, turns, callTurn, outermostTurn, rejected);
	const list = [...turns.values()].sort((a, b) => a.key.index - b.key.index);
	const { events, sources } = joinLinked(
		list.map((t) => buildEvent(t, context)),
		list.map((t) => t.key.path),
	);
	return {
		events,
		sources,
		rejected,
		ignoredSpans: spans.length - role.size,
	};
}

/** Turns that name the same app event are one: their tool calls together, the first input and output found. */
function joinLinked(events: MappedEvent[], sources: string[]): { events: MappedEvent[]; sources: string[] } {
	const byId = new Map<string, MappedEvent>();
	const out: MappedEvent[] = [];
	const outSources: string[] = [];
	events.forEach((e, i) => {
		const first = e.linked ? byId.get(e.event_id) : undefined;
		if (!first) {
			if (e.linked) byId.set(e.event_id, e);
			out.push(e);
			outSources.push(sources[i]!);
			return;
		}
		first.tool_calls.push(...e.tool_calls);
		first.input ??= e.input;
		first.output ??= e.output;
		first.model ??= e.model;
		first.timestamp = Math.min(first.timestamp, e.timestamp);
		first.properties = { ...e.properties, ...first.properties };
	});
	return { events: out, sources: outSources };
}

/**
 * Each tool span joins the turn of its nearest model call or turn span above it; else the latest model call
 * of its trace that started before it. A tool span with neither in this export is an event of its own,
 * holding the tool spans below it.
 */
function attachTools(
	spans: Span[],
	role: Map<Span, SpanRole>,
	parentOf: (s: Span) => Span | undefined,
	turns: Map<Span, Turn>,
	callTurn: Map<Span, Turn>,
	outermostTurn: (s: Span | undefined) => Span | undefined,
	rejected: SpanMapping["rejected"],
) {
	const anchor = nearestUp(parentOf, (p) => callTurn.has(p) || (role.get(p) === "turn" && turns.has(outermostTurn(p)!)));
	const callsByTrace = new Map<string, Span[]>();
	for (const s of [...callTurn.keys()].sort((a, b) => b.start - a.start || a.index - b.index)) {
		const list = callsByTrace.get(s.raw.traceId);
		if (list) list.push(s);
		else callsByTrace.set(s.raw.traceId, [s]);
	}
	const valid = spans.filter((t) => {
		if (role.get(t) !== "tool") return false;
		if (!idOk(t)) rejected.push({ spanId: t.raw.spanId ?? "", field: `${t.path}.${t.raw.traceId ? "spanId" : "traceId"}`, reason: "is required" });
		else if (!toolNameOf(t))
			rejected.push({ spanId: t.raw.spanId, field: `${t.path}.name`, reason: "is required for a tool span without a gen_ai.tool.name attribute" });
		else return true;
		return false;
	});
	const orphans: Span[] = [];
	for (const t of valid) {
		const a = anchor(parentOf(t));
		let owner = a ? (callTurn.get(a) ?? turns.get(outermostTurn(a)!)) : undefined;
		const byTimeCall = callsByTrace.get(t.raw.traceId)?.find((l) => l.start <= t.start) ?? callsByTrace.get(t.raw.traceId)?.[0];
		owner ??= byTimeCall ? callTurn.get(byTimeCall) : undefined;
		if (owner) owner.tools.push(t);
		else orphans.push(t);
	}
	const orphanSet = new Set(orphans);
	const orphanAbove = nearestUp(parentOf, (p) => orphanSet.has(p));
	const topOrphan = nearestUp(
		(s) => orphanAbove(parentOf(s)),
		(s) => orphanAbove(parentOf(s)) === undefined,
	);
	for (const t of orphans) {
		const holder = topOrphan(t);
		// Tool spans in a parent cycle have no top: each is an event of its own.
		const key = holder ?? t;
		let turn = turns.get(key);
		if (!turn) turns.set(key, (turn = { key, calls: [], tools: [] }));
		turn.tools.push(t);
	}
}
