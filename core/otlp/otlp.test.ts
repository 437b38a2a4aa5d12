import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { JsonTraceSerializer, ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { mapGenAiSpans } from "./genai-spans";
import { decodeTraceRequest, encodeTraceResponse } from "./otlp-protobuf";
import type { ExportTraceRequest } from "./otlp-types";

/** Spans made by the official OpenTelemetry SDK: an agent turn with a chat call and a failing tool. */
function agentTurn() {
	const exporter = new InMemorySpanExporter();
	const provider = new BasicTracerProvider({
		resource: resourceFromAttributes({ "service.name": "trailmate", "service.version": "2026.11.3" }),
		spanProcessors: [new SimpleSpanProcessor(exporter)],
	});
	const tracer = provider.getTracer("test");
	const agent = tracer.startSpan("invoke_agent planner", { attributes: { "gen_ai.operation.name": "invoke_agent" } });
	const inAgent = trace.setSpan(ROOT_CONTEXT, agent);
	const chat = tracer.startSpan(
		"chat gpt-4o",
		{
			attributes: {
				"gen_ai.operation.name": "chat",
				"gen_ai.provider.name": "openai",
				"gen_ai.request.model": "gpt-4o",
				"gen_ai.response.model": "gpt-4o-2024-08-06",
				"gen_ai.conversation.id": "conv_9",
				"user.id": "user_7",
				"gen_ai.usage.input_tokens": 120,
				"gen_ai.response.finish_reasons": ["stop"],
				"gen_ai.input.messages": JSON.stringify([
					{ role: "system", parts: [{ type: "text", content: "Be brief." }] },
					{ role: "user", parts: [{ type: "text", content: "Find flights to Rome" }] },
				]),
				"gen_ai.output.messages": JSON.stringify([
					{ role: "assistant", parts: [{ type: "text", content: "Sorry, I can't search flights right now." }], finish_reason: "stop" },
				]),
				"barometer.prompt_version": "v12",
			},
		},
		inAgent,
	);
	chat.end();
	const tool = tracer.startSpan(
		"execute_tool search_flights",
		{ attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "search_flights", "gen_ai.tool.call.arguments": '{"to":"FCO"}' } },
		inAgent,
	);
	tool.setStatus({ code: SpanStatusCode.ERROR, message: "504 Gateway Timeout" });
	tool.end();
	tracer.startSpan("GET /healthz").end();
	agent.end();
	return exporter.getFinishedSpans();
}

describe("OTLP GenAI spans to events", () => {
	it("maps a chat span to an event and its tool span to a tool call, ignoring other spans", () => {
		const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(agentTurn())!)) as ExportTraceRequest;
		const { events, rejected, ignoredSpans } = mapGenAiSpans(json);
		expect(rejected).toEqual([]);
		expect(ignoredSpans).toBe(1); // GET /healthz; the agent span is the turn
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({
			user_id: "user_7",
			convo_id: "conv_9",
			event: "gen_ai.chat",
			model: "gpt-4o-2024-08-06",
			input: "Find flights to Rome",
			output: "Sorry, I can't search flights right now.",
			properties: { provider: "openai", input_tokens: 120, finish_reasons: "stop", service: "trailmate", release: "2026.11.3", prompt_version: "v12" },
			tool_calls: [{ name: "search_flights", input: '{"to":"FCO"}', error: "504 Gateway Timeout" }],
		});
		expect(events[0]!.event_id).toMatch(/^otel_[0-9a-f]{16}_[0-9a-f]{16}$/);
	});

	it("decodes the protobuf encoding to the same events as the JSON one", () => {
		const spans = agentTurn();
		const fromJson = mapGenAiSpans(JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!)));
		const fromProto = mapGenAiSpans(decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(spans)!));
		expect(fromProto).toEqual(fromJson);
	});

	it("reads older conventions: prompt/completion attributes and message events", () => {
		const request: ExportTraceRequest = {
			resourceSpans: [
				{
					scopeSpans: [
						{
							spans: [
								{
									traceId: "a".repeat(32),
									spanId: "1".repeat(16),
									name: "openai.chat",
									startTimeUnixNano: "1767225600000000000",
									attributes: [
										{ key: "gen_ai.system", value: { stringValue: "openai" } },
										{ key: "gen_ai.request.model", value: { stringValue: "gpt-4" } },
										{ key: "gen_ai.prompt.0.role", value: { stringValue: "user" } },
										{ key: "gen_ai.prompt.0.content", value: { stringValue: "hi" } },
										{ key: "gen_ai.completion.0.content", value: { stringValue: "hello" } },
									],
								},
								{
									traceId: "b".repeat(32),
									spanId: "2".repeat(16),
									name: "chat",
									attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "chat" } }],
									events: [
										{ name: "gen_ai.user.message", attributes: [{ key: "content", value: { stringValue: "what's up" } }] },
										{
											name: "gen_ai.choice",
											attributes: [{ key: "message", value: { kvlistValue: { values: [{ key: "content", value: { stringValue: "not much" } }] } } }],
										},
									],
								},
							],
						},
					],
				},
			],
		};
		const { events } = mapGenAiSpans(request);
		expect(events.map((e) => [e.input, e.output, e.timestamp > 0])).toEqual([
			["hi", "hello", true],
			["what's up", "not much", true],
		]);
		expect(events[0]!.timestamp).toBe(1767225600000);
		expect(events[1]!.user_id).toBe(`anonymous:${"b".repeat(32)}`);
	});

	it("rejects malformed protobuf, and encodes partial success", () => {
		expect(() => decodeTraceRequest(new Uint8Array([0x0a, 0xff]))).toThrow();
		expect(encodeTraceResponse(0, "")).toEqual(new Uint8Array(0));
		expect(Array.from(encodeTraceResponse(2, "x"))).toEqual([0x0a, 5, 0x08, 2, 0x12, 1, 0x78]);
	});
});
