import { attributeMap, type ExportTraceRequest, type OtlpSpan } from "./otlp-types";

/**
 * OpenTelemetry GenAI semantic conventions (gen_ai.*) → Barometer events. An LLM span (chat,
 * text_completion, generate_content, or any span with gen_ai.request.model) becomes one event;
 * tool spans (execute_tool, gen_ai.tool.name) become tool calls of the LLM call they belong to.
 * Messages are read from gen_ai.input.messages / gen_ai.output.messages (current conventions),
 * the gen_ai.user.message / gen_ai.choice span events, and gen_ai.prompt.N / gen_ai.completion.N
 * (older instrumentations). Spans that are not GenAI are ignored.
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
}

export interface SpanMapping {
	events: MappedEvent[];
	/** Where each event came from: the path of its span (`resourceSpans[0].scopeSpans[0].spans[2]`). */
	sources: string[];
	/** GenAI spans that could not be mapped: the field at fault and why. */
	rejected: { spanId: string; field: string; reason: string }[];
	ignoredSpans: number;
}

const LLM_OPERATIONS = new Set(["chat", "text_completion", "generate_content", "completion"]);
const STATUS_ERROR = 2;

interface Span {
	raw: OtlpSpan;
	path: string;
	attrs: Map<string, unknown>;
	resource: Map<string, unknown>;
	start: number;
	end: number;
}

/** Nanoseconds (validated: a whole number or its decimal string) → milliseconds; 0 when unreadable. */
function ms(nano: string | number | undefined): number {
	if (nano === undefined) return 0;
	if (typeof nano === "number") return Number.isFinite(nano) && nano >= 0 ? Math.floor(nano / 1_000_000) : 0;
	return /^\d{1,20}$/.test(nano) ? Number(BigInt(nano) / 1_000_000n) : 0;
}

function str(v: unknown): string | undefined {
	if (v === undefined || v === null) return undefined;
	if (typeof v === "string") return v;
	try {
		return JSON.stringify(v);
	} catch {
		return String(v); // nested too deep for JSON.stringify
	}
}

/** Messages are parsed from attribute text: nesting is not bounded by the request's validation. */
const MAX_MESSAGE_DEPTH = 8;

function isLlm(s: Span): boolean {
	const op = s.attrs.get("gen_ai.operation.name");
	if (op === "execute_tool" || s.attrs.has("gen_ai.tool.name")) return false;
	return (typeof op === "string" && LLM_OPERATIONS.has(op)) || s.attrs.has("gen_ai.request.model") || s.attrs.has("gen_ai.response.model");
}

const isTool = (s: Span) => s.attrs.get("gen_ai.operation.name") === "execute_tool" || s.attrs.has("gen_ai.tool.name");

/** Text of a message in the current conventions ({ role, parts: [{ type: "text", content }] }) or older ({ role, content }). */
function messageText(m: unknown, depth = 0): string | undefined {
	if (!m || typeof m !== "object") return typeof m === "string" ? m : undefined;
	const msg = m as { content?: unknown; parts?: unknown; message?: unknown };
	if (Array.isArray(msg.parts)) {
		const text = msg.parts
			.filter(
				(p): p is { type?: unknown; content?: unknown } =>
					!!p && typeof p === "object" && ((p as { type?: unknown }).type === undefined || (p as { type?: unknown }).type === "text"),
			)
			.map((p) => str(p.content) ?? "")
			.join("");
		if (text) return text;
	}
	if (typeof msg.content === "string") return msg.content;
	if (Array.isArray(msg.content))
		return msg.content.map((c) => (typeof c === "string" ? c : c && typeof c === "object" ? (str((c as { text?: unknown }).text) ?? "") : "")).join("");
	if (msg.message && depth < MAX_MESSAGE_DEPTH) return messageText(msg.message, depth + 1);
	return undefined;
}

function parseMessages(v: unknown): { role?: string }[] {
	if (typeof v === "string") {
		try {
			v = JSON.parse(v);
		} catch {
			return [{ role: "user", content: v } as { role: string }];
		}
	}
	const list = Array.isArray(v) ? v : v && typeof v === "object" ? [v] : [];
	return list.filter((m): m is { role?: string } => !!m && typeof m === "object");
}

function input(s: Span): string | undefined {
	const msgs = parseMessages(s.attrs.get("gen_ai.input.messages"));
	const user = msgs.filter((m) => m.role === "user" || m.role === undefined).at(-1);
	if (user) return messageText(user);
	const ev = (s.raw.events ?? []).filter((e) => e.name === "gen_ai.user.message").at(-1);
	if (ev) {
		const a = attributeMap(ev.attributes);
		return str(a.get("content")) ?? messageText(a.get("message"));
	}
	for (let i = 50; i >= 0; i--) {
		const role = s.attrs.get(`gen_ai.prompt.${i}.role`);
		const content = s.attrs.get(`gen_ai.prompt.${i}.content`);
		if (content !== undefined && (role === undefined || role === "user")) return str(content);
	}
	return str(s.attrs.get("gen_ai.prompt"));
}

function output(s: Span): string | undefined {
	const msgs = parseMessages(s.attrs.get("gen_ai.output.messages"));
	const assistant = msgs.find((m) => m.role === "assistant" || m.role === undefined);
	if (assistant) return messageText(assistant);
	const ev = (s.raw.events ?? []).find((e) => e.name === "gen_ai.choice");
	if (ev) {
		const a = attributeMap(ev.attributes);
		return str(a.get("content")) ?? messageText(a.get("message"));
	}
	return str(s.attrs.get("gen_ai.completion.0.content")) ?? str(s.attrs.get("gen_ai.completion"));
}

const first = (s: Span, keys: string[]) => {
	for (const k of keys) {
		const v = s.attrs.get(k) ?? s.resource.get(k);
		if (v !== undefined && v !== "") return String(v);
	}
	return undefined;
};

function properties(s: Span): Record<string, string | number | boolean> {
	const p: Record<string, string | number | boolean> = { otel_trace_id: s.raw.traceId, otel_span_id: s.raw.spanId, duration_ms: Math.max(0, s.end - s.start) };
	const copy: [string, string][] = [
		["gen_ai.provider.name", "provider"],
		["gen_ai.system", "provider"],
		["gen_ai.usage.input_tokens", "input_tokens"],
		["gen_ai.usage.output_tokens", "output_tokens"],
		["gen_ai.request.temperature", "temperature"],
		["gen_ai.agent.name", "agent"],
		["service.name", "service"],
		["service.version", "release"],
	];
	for (const [from, to] of copy) {
		const v = s.attrs.get(from) ?? s.resource.get(from);
		if (v !== undefined && p[to] === undefined && (typeof v === "string" || typeof v === "number" || typeof v === "boolean")) p[to] = v;
	}
	const reasons = s.attrs.get("gen_ai.response.finish_reasons");
	if (Array.isArray(reasons)) p.finish_reasons = reasons.join(",");
	// Your own dimensions: barometer.<name> attributes become properties (barometer.prompt_version → prompt_version).
	for (const [k, v] of [...s.resource, ...s.attrs]) {
		if (k.startsWith("barometer.") && k !== "barometer.user_id" && (typeof v === "string" || typeof v === "number" || typeof v === "boolean"))
			p[k.slice(10)] = v;
	}
	if (s.raw.status?.code === STATUS_ERROR) p.error = s.raw.status.message || String(s.attrs.get("error.type") ?? "error");
	return p;
}

const toolName = (s: Span) => String(s.attrs.get("gen_ai.tool.name") ?? (s.raw.name ?? "").replace(/^execute_tool\s*/, "")).trim();

function toolCall(s: Span): MappedToolCall {
	const failed = s.raw.status?.code === STATUS_ERROR;
	return {
		name: toolName(s),
		input: s.attrs.get("gen_ai.tool.call.arguments"),
		output: s.attrs.get("gen_ai.tool.call.result"),
		error: failed ? s.raw.status!.message || String(s.attrs.get("error.type") ?? "error") : (str(s.attrs.get("error.type")) ?? null),
		duration_ms: Math.max(0, s.end - s.start),
	};
}

/**
 * The nearest span at or above `start` (following parentSpanId) that satisfies `pred`, memoized so
 * that all lookups together take time linear in the number of spans. A walk stops on a span it has
 * already visited, so cycles and self-parents end the walk instead of looping.
 */
function nearestUp(parent: (s: Span) => Span | undefined, pred: (s: Span) => boolean) {
	const memo = new Map<Span, Span | null>();
	return (start: Span | undefined): Span | undefined => {
		const path: Span[] = [];
		const onPath = new Set<Span>();
		let found: Span | null = null;
		for (let p = start; p; p = parent(p)) {
			const known = memo.get(p);
			if (known !== undefined) {
				found = known;
				break;
			}
			if (onPath.has(p)) break; // a cycle without a match: nothing above
			if (pred(p)) {
				found = p;
				break;
			}
			path.push(p);
			onPath.add(p);
		}
		for (const q of path) memo.set(q, found);
		return found ?? undefined;
	};
}

/**
 * Maps a request that passed checkTraceRequest. `pathOf` names a span's place in the original body
 * (the checked request leaves malformed spans out, so its own indices may differ).
 */
export function mapGenAiSpans(request: ExportTraceRequest, pathOf?: (span: OtlpSpan) => string | undefined): SpanMapping {
	const spans: Span[] = [];
	(request.resourceSpans ?? []).forEach((rs, i) => {
		const resource = attributeMap(rs.resource?.attributes);
		(rs.scopeSpans ?? []).forEach((ss, j) =>
			(ss.spans ?? []).forEach((raw, k) =>
				spans.push({
					raw,
					path: pathOf?.(raw) ?? `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`,
					attrs: attributeMap(raw.attributes),
					resource,
					start: ms(raw.startTimeUnixNano),
					end: ms(raw.endTimeUnixNano),
				}),
			),
		);
	});
	const byId = new Map(spans.map((s) => [`${s.raw.traceId}:${s.raw.spanId}`, s]));
	const parentOf = (s: Span) => (s.raw.parentSpanId ? byId.get(`${s.raw.traceId}:${s.raw.parentSpanId}`) : undefined);
	const llm = spans.filter(isLlm);
	const tools = spans.filter(isTool);
	const events = new Map<Span, MappedEvent>();
	const rejected: SpanMapping["rejected"] = [];
	for (const s of llm) {
		if (!s.raw.spanId || !s.raw.traceId) {
			rejected.push({ spanId: s.raw.spanId ?? "", field: `${s.path}.${s.raw.traceId ? "spanId" : "traceId"}`, reason: "is required" });
			continue;
		}
		const op = String(s.attrs.get("gen_ai.operation.name") ?? "chat");
		events.set(s, {
			event_id: `otel_${s.raw.traceId.slice(0, 16)}_${s.raw.spanId}`,
			timestamp: s.start || Date.now(),
			user_id:
				first(s, ["barometer.user_id", "user.id", "enduser.id", "gen_ai.user.id"]) ??
				`anonymous:${first(s, ["gen_ai.conversation.id", "session.id"]) ?? s.raw.traceId}`,
			convo_id: first(s, ["gen_ai.conversation.id", "session.id"]) ?? s.raw.traceId,
			event: `gen_ai.${op}`,
			model: first(s, ["gen_ai.response.model", "gen_ai.request.model"]),
			input: input(s),
			output: output(s),
			properties: properties(s),
			tool_calls: [],
		});
	}
	// LLM calls of each trace, latest start first (ties in export order), to find a tool's owner by time.
	const llmByTrace = new Map<string, Span[]>();
	for (const l of llm) if (events.has(l)) llmByTrace.set(l.raw.traceId, [...(llmByTrace.get(l.raw.traceId) ?? []), l]);
	const byStartDesc = new Map([...llmByTrace].map(([trace, list]) => [trace, [...list].sort((a, b) => b.start - a.start)]));
	const llmAtOrAbove = nearestUp(parentOf, (p) => events.has(p));

	const valid = tools.filter((t) => {
		if (!t.raw.spanId || !t.raw.traceId)
			rejected.push({ spanId: t.raw.spanId ?? "", field: `${t.path}.${t.raw.traceId ? "spanId" : "traceId"}`, reason: "is required" });
		else if (!toolName(t))
			rejected.push({ spanId: t.raw.spanId, field: `${t.path}.name`, reason: "is required for a tool span without a gen_ai.tool.name attribute" });
		else return true;
		return false;
	});
	const orphans: Span[] = [];
	for (const t of valid) {
		// The LLM call it belongs to: an LLM ancestor, else the latest LLM call of the trace that started before it.
		let owner = llmAtOrAbove(parentOf(t));
		owner ??= byStartDesc.get(t.raw.traceId)?.find((l) => l.start <= t.start);
		owner ??= llmByTrace.get(t.raw.traceId)?.[0];
		if (owner) events.get(owner)!.tool_calls.push(toolCall(t));
		else orphans.push(t);
	}
	// A tool span whose LLM call is not in this export: an event of its own, holding the tool spans below it.
	const orphanSet = new Set(orphans);
	const orphanAbove = nearestUp(parentOf, (p) => orphanSet.has(p));
	const topOrphan = nearestUp(
		(s) => orphanAbove(parentOf(s)),
		(s) => orphanAbove(parentOf(s)) === undefined,
	);
	for (const t of orphans) {
		const holder = topOrphan(t);
		// Tool spans in a parent cycle have no top: each is an event of its own.
		if (holder && holder !== t) continue;
		events.set(t, {
			event_id: `otel_${t.raw.traceId.slice(0, 16)}_${t.raw.spanId}`,
			timestamp: t.start || Date.now(),
			user_id: first(t, ["barometer.user_id", "user.id", "enduser.id"]) ?? `anonymous:${first(t, ["gen_ai.conversation.id", "session.id"]) ?? t.raw.traceId}`,
			convo_id: first(t, ["gen_ai.conversation.id", "session.id"]) ?? t.raw.traceId,
			event: "gen_ai.execute_tool",
			properties: properties(t),
			tool_calls: [],
		});
	}
	for (const t of orphans) {
		const holder = topOrphan(t) ?? t;
		events.get(holder)!.tool_calls.push(toolCall(t));
	}
	return { events: [...events.values()], sources: [...events.keys()].map((s) => s.path), rejected, ignoredSpans: spans.length - llm.length - tools.length };
}
