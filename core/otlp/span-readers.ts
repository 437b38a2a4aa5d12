import { attributeMap } from "./otlp-types";
import { assistantText, lastUserText, type Message, parseJson, readFlatMessages, readMessages, str, type ToolRequest, type ToolResult } from "./span-messages";
import type { Span } from "./span-tree";

/**
 * What one span is, read the way each emitter writes it:
 * - OpenTelemetry GenAI conventions (`gen_ai.*`, current and older forms);
 * - the Vercel AI SDK (`ai.generateText` with one `ai.generateText.doGenerate` per step and `ai.toolCall`;
 *   from version 7 through `@ai-sdk/otel`, the GenAI conventions with `invoke_agent` → `agent_step` → `chat`);
 * - OpenInference (`openinference.span.kind` LLM / TOOL / AGENT, `llm.*`, `input.value`, `output.value`);
 * - Traceloop / OpenLLMetry (`gen_ai.prompt.N.*`, `traceloop.span.kind`).
 * A `turn` is a span that holds one logical call of the app (an agent run, a multi-step generateText): the
 * model calls and tool calls below it are one event. An `llm` span is one model call; a `tool` span one tool run.
 */
export type SpanRole = "turn" | "llm" | "tool";

const LLM_OPERATIONS = new Set(["chat", "text_completion", "generate_content", "completion", "responses"]);
const VERCEL_TURNS = new Set(["ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject"]);
const VERCEL_STEPS = new Set(["ai.generateText.doGenerate", "ai.streamText.doStream", "ai.generateObject.doGenerate", "ai.streamObject.doStream"]);
export const STATUS_ERROR = 2;

const op = (s: Span) => s.attrs.get("gen_ai.operation.name");
const oiKind = (s: Span) => String(s.attrs.get("openinference.span.kind") ?? "").toUpperCase();
const vercelOp = (s: Span) => String(s.attrs.get("ai.operationId") ?? s.raw.name ?? "");

export function roleOf(s: Span): SpanRole | undefined {
	const o = op(s);
	const kind = oiKind(s);
	const tl = s.attrs.get("traceloop.span.kind");
	if (o === "execute_tool" || kind === "TOOL" || tl === "tool" || vercelOp(s) === "ai.toolCall" || (s.attrs.has("gen_ai.tool.name") && o === undefined))
		return "tool";
	if (o === "invoke_agent" || kind === "AGENT" || VERCEL_TURNS.has(vercelOp(s))) return "turn";
	if (tl === "workflow" || tl === "agent") return "turn";
	if ((typeof o === "string" && LLM_OPERATIONS.has(o)) || kind === "LLM" || VERCEL_STEPS.has(vercelOp(s))) return "llm";
	if (o === undefined && (s.attrs.has("gen_ai.request.model") || s.attrs.has("gen_ai.response.model") || s.attrs.has("llm.model_name"))) return "llm";
	return undefined;
}

/** The conversation a span sends (oldest first), from whichever attributes its emitter wrote. */
function inputMessages(s: Span): Message[] {
	const a = s.attrs;
	for (const key of ["gen_ai.input.messages", "ai.prompt.messages", "ai.prompt"]) {
		const msgs = readMessages(a.get(key));
		if (msgs.length) return msgs;
	}
	const flat = readFlatMessages(a, "llm.input_messages");
	if (flat.length) return flat;
	const events = (s.raw.events ?? []).filter((e) => /^gen_ai\.(user|system|assistant|tool)\.message$/.test(e.name));
	if (events.length)
		return events.map((e) => {
			const ea = attributeMap(e.attributes);
			const role = e.name.split(".")[1];
			const [m] = readMessages(ea.get("content") ?? ea.get("message") ?? "");
			return { ...(m ?? { toolCalls: [], toolResults: [] }), role };
		});
	const prompts: Message[] = [];
	for (let i = 0; i <= 200; i++) {
		const content = a.get(`gen_ai.prompt.${i}.content`);
		const role = a.get(`gen_ai.prompt.${i}.role`);
		if (content === undefined && role === undefined) {
			if (i > 0) break;
			continue;
		}
		prompts.push({ role: str(role), text: str(content), toolCalls: [], toolResults: [] });
	}
	if (prompts.length) return prompts;
	const plain = a.get("gen_ai.prompt") ?? a.get("input.value");
	return readMessages(plain);
}

function outputMessages(s: Span): Message[] {
	const a = s.attrs;
	const msgs = readMessages(a.get("gen_ai.output.messages"));
	if (msgs.length) return msgs;
	const flat = readFlatMessages(a, "llm.output_messages");
	if (flat.length) return flat;
	const choice = (s.raw.events ?? []).find((e) => e.name === "gen_ai.choice");
	if (choice) {
		const ea = attributeMap(choice.attributes);
		return readMessages(ea.get("message") ?? ea.get("content") ?? "").map((m) => ({ ...m, role: m.role ?? "assistant" }));
	}
	const text = a.get("ai.response.text") ?? a.get("gen_ai.completion.0.content") ?? a.get("gen_ai.completion");
	const requested = parseJson(a.get("ai.response.toolCalls"));
	const toolCalls: ToolRequest[] = Array.isArray(requested)
		? requested
				.filter((c) => c && typeof c === "object" && (c as { toolName?: unknown }).toolName)
				.map((c) => ({ id: str(c.toolCallId), name: String(c.toolName), input: c.input ?? c.args }))
		: [];
	if (text !== undefined || toolCalls.length) return [{ role: "assistant", text: str(text), toolCalls, toolResults: [] }];
	// OpenInference without flattened messages: output.value is the answer's text, or the provider's response.
	const value = parseJson(a.get("output.value"));
	if (typeof value === "string") return [{ role: "assistant", text: value, toolCalls: [], toolResults: [] }];
	const choices = (value as { choices?: { message?: unknown }[] } | undefined)?.choices;
	if (Array.isArray(choices) && choices[0]?.message) return readMessages([choices[0].message]).map((m) => ({ ...m, role: "assistant" }));
	return [];
}

export interface LlmReading {
	input?: string;
	output?: string;
	model?: string;
	/** Tool calls the model asked for, and tool results it was sent back (in its input). */
	requested: ToolRequest[];
	results: ToolResult[];
	inputTokens?: number;
	outputTokens?: number;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** An LLM call or a turn: what the user said, what came back, the model, the tools asked for and answered. */
export function readCall(s: Span): LlmReading {
	const input = inputMessages(s);
	const output = outputMessages(s);
	const a = s.attrs;
	return {
		input: lastUserText(input),
		output: assistantText(output),
		model: str(
			a.get("gen_ai.response.model") ?? a.get("ai.response.model") ?? a.get("llm.model_name") ?? a.get("gen_ai.request.model") ?? a.get("ai.model.id"),
		),
		requested: output.flatMap((m) => m.toolCalls),
		results: input.flatMap((m) => m.toolResults),
		inputTokens: num(
			a.get("gen_ai.usage.input_tokens") ?? a.get("gen_ai.usage.prompt_tokens") ?? a.get("ai.usage.inputTokens") ?? a.get("llm.token_count.prompt"),
		),
		outputTokens: num(
			a.get("gen_ai.usage.output_tokens") ?? a.get("gen_ai.usage.completion_tokens") ?? a.get("ai.usage.outputTokens") ?? a.get("llm.token_count.completion"),
		),
	};
}

export interface ToolReading {
	id?: string;
	name: string;
	input?: unknown;
	output?: unknown;
	error: string | null;
	duration_ms: number;
}

export const toolNameOf = (s: Span) =>
	String(
		s.attrs.get("gen_ai.tool.name") ??
			s.attrs.get("ai.toolCall.name") ??
			s.attrs.get("tool.name") ??
			s.attrs.get("traceloop.entity.name") ??
			(s.raw.name ?? "").replace(/^execute_tool\s*/, ""),
	).trim();

/** The first exception event's message: where the Vercel AI SDK and others record a tool's error. */
function exceptionMessage(s: Span): string | undefined {
	const ev = (s.raw.events ?? []).find((e) => e.name === "exception");
	return ev ? str(attributeMap(ev.attributes).get("exception.message")) : undefined;
}

export function readTool(s: Span): ToolReading {
	const a = s.attrs;
	const failed = s.raw.status?.code === STATUS_ERROR;
	const errorText = failed ? s.raw.status!.message || exceptionMessage(s) || str(a.get("error.type")) || "error" : (str(a.get("error.type")) ?? null);
	return {
		id: str(a.get("gen_ai.tool.call.id") ?? a.get("ai.toolCall.id") ?? a.get("tool_call.id")),
		name: toolNameOf(s),
		input:
			a.get("gen_ai.tool.call.arguments") ?? a.get("ai.toolCall.args") ?? a.get("ai.toolCall.input") ?? a.get("input.value") ?? a.get("traceloop.entity.input"),
		output:
			a.get("gen_ai.tool.call.result") ??
			a.get("ai.toolCall.result") ??
			a.get("ai.toolCall.output") ??
			a.get("output.value") ??
			a.get("traceloop.entity.output"),
		error: errorText,
		duration_ms: Math.max(0, s.end - s.start),
	};
}
