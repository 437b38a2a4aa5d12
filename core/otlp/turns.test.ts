import { describe, expect, it } from "vitest";
import { mapGenAiSpans } from "./genai-spans";
import type { ExportTraceRequest } from "./otlp-types";

/** Hand-made spans for the cases the real emitters' runs don't reach: grouping edges and inheritance. */
const T1 = "1".repeat(32);
const T2 = "2".repeat(32);
type Attrs = Record<string, string | number>;
let clock = 0;
const span = (traceId: string, spanId: string, parentSpanId: string | undefined, name: string, attrs: Attrs) => ({
	traceId,
	spanId: spanId.padStart(16, "0"),
	...(parentSpanId ? { parentSpanId: parentSpanId.padStart(16, "0") } : {}),
	name,
	startTimeUnixNano: String(1_767_225_600_000_000_000n + BigInt(++clock) * 1_000_000n),
	endTimeUnixNano: String(1_767_225_600_000_000_000n + BigInt(clock + 1) * 1_000_000n),
	attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v } })),
});
const chat = (traceId: string, id: string, parent: string | undefined, said: string, answer: string, extra: Attrs = {}) =>
	span(traceId, id, parent, "chat gpt-4o", {
		"gen_ai.operation.name": "chat",
		"gen_ai.request.model": "gpt-4o",
		"gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: said }] }]),
		"gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: answer }] }]),
		...extra,
	});
const map = (spans: unknown[], resource: Attrs = {}) =>
	mapGenAiSpans({
		resourceSpans: [
			{
				resource: { attributes: Object.entries(resource).map(([key, v]) => ({ key, value: { stringValue: String(v) } })) },
				scopeSpans: [{ spans }],
			},
		],
	} as ExportTraceRequest);

describe("one event per turn", () => {
	it("model calls that re-send the same prompt in one trace are one turn; a new prompt is a new turn", () => {
		const { events } = map([
			chat(T1, "a", undefined, "Cancel my order", "Which order?"),
			chat(T1, "b", undefined, "Cancel my order", "Done: order 42 is cancelled."),
			chat(T1, "c", undefined, "Thanks", "You're welcome."),
		]);
		expect(events.map((e) => [e.input, e.output, e.properties.llm_calls])).toEqual([
			["Cancel my order", "Done: order 42 is cancelled.", 2],
			["Thanks", "You're welcome.", undefined],
		]);
	});

	it("the same prompt in two traces is two events (the user really asked twice)", () => {
		const { events } = map([chat(T1, "a", undefined, "Cancel my order", "No."), chat(T2, "b", undefined, "Cancel my order", "No.")]);
		expect(events).toHaveLength(2);
	});

	it("a turn span without model calls in the export is an event of its own (the Vercel AI SDK's outer span)", () => {
		const { events } = map([
			span(T1, "a", undefined, "ai.streamText", {
				"ai.operationId": "ai.streamText",
				"ai.model.id": "claude-sonnet",
				"ai.prompt": JSON.stringify({ system: "Be brief.", prompt: "Plan a trip" }),
				"ai.response.text": "Here is a plan.",
				"ai.telemetry.metadata.userId": "u1",
			}),
		]);
		expect(events).toMatchObject([
			{ input: "Plan a trip", output: "Here is a plan.", model: "claude-sonnet", user_id: "u1", event_id: `otel_${T1.slice(0, 16)}_${"a".padStart(16, "0")}` },
		]);
	});

	it("nested agents are one turn: the outermost turn span holds the inner agent's calls", () => {
		const { events } = map([
			span(T1, "a", undefined, "invoke_agent planner", { "gen_ai.operation.name": "invoke_agent" }),
			span(T1, "b", "a", "invoke_agent searcher", { "gen_ai.operation.name": "invoke_agent" }),
			chat(T1, "c", "b", "Find flights", "Found 3."),
			chat(T1, "d", "a", "Find flights", "There are 3 flights."),
		]);
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({ input: "Find flights", output: "There are 3 flights.", properties: { llm_calls: 2 } });
	});
});

describe("user, conversation and properties come from ancestors, baggage and the resource", () => {
	it("a request span two levels up names the user and session; the nearest value wins", () => {
		const { events } = map([
			span(T1, "r", undefined, "POST /chat", { "user.id": "u_outer", "session.id": "s_outer", "barometer.tier": "gold" }),
			span(T1, "m", "r", "middleware", { "user.id": "u_inner" }),
			chat(T1, "c", "m", "hi", "hello"),
		]);
		expect(events[0]).toMatchObject({ user_id: "u_inner", convo_id: "s_outer", properties: { tier: "gold" } });
	});

	it("Traceloop association properties and OpenInference metadata become user, conversation and properties", () => {
		const { events } = map([
			span(T1, "w", undefined, "support.workflow", {
				"traceloop.span.kind": "workflow",
				"traceloop.association.properties.user_id": "u_tl",
				"traceloop.association.properties.conversation_id": "c_tl",
				"traceloop.association.properties.experiment": "b",
			}),
			span(T1, "c", "w", "openai.chat", {
				"gen_ai.system": "openai",
				"gen_ai.request.model": "gpt-4",
				"gen_ai.prompt.0.role": "user",
				"gen_ai.prompt.0.content": "hi",
			}),
			span(T2, "o", undefined, "ChatCompletion", {
				"openinference.span.kind": "LLM",
				"llm.model_name": "gpt-4o",
				"input.value": "What is my balance?",
				"output.value": "I can't see your account.",
				metadata: JSON.stringify({ user_id: "u_oi", region: "eu" }),
			}),
		]);
		expect(events).toMatchObject([
			{ user_id: "u_tl", convo_id: "c_tl", input: "hi", properties: { experiment: "b" } },
			{ user_id: "u_oi", input: "What is my balance?", output: "I can't see your account.", properties: { region: "eu" } },
		]);
	});

	it("without a user anywhere, the event is anonymous per conversation; the resource is the last resort", () => {
		expect(map([chat(T1, "c", undefined, "hi", "hello")]).events[0]!.user_id).toBe(`anonymous:${T1}`);
		expect(map([chat(T1, "c", undefined, "hi", "hello")], { "enduser.id": "u_res" }).events[0]!.user_id).toBe("u_res");
	});
});

it("a span without times is stamped with the time it arrived, never a null timestamp", () => {
	const { events } = mapGenAiSpans({
		resourceSpans: [
			{
				scopeSpans: [
					{ spans: [{ traceId: T1, spanId: "a".repeat(16), name: "execute_tool x", attributes: [{ key: "gen_ai.tool.name", value: { stringValue: "x" } }] }] },
				],
			},
		],
	} as ExportTraceRequest);
	expect(events[0]!.timestamp).toBeGreaterThan(1_700_000_000_000);
});
