import { OpenTelemetry } from "@ai-sdk/otel";
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { generateText } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { generateText as generateTextV6 } from "ai-v6";
import { MockLanguageModelV3 } from "ai-v6/test";
import { describe, expect, it } from "vitest";
import { mapGenAiSpans } from "../../core/otlp/genai-spans";
import { aiRuntimeTelemetry, aiTelemetry } from "./ai-telemetry.js";

describe("aiTelemetry", () => {
	it("puts userId, convoId and each property in metadata, with functionId beside it", () => {
		expect(aiTelemetry({ userId: "user_42", convoId: "conv_7", properties: { plan: "pro", turn: 3, beta: true }, functionId: "chat" })).toEqual({
			isEnabled: true,
			functionId: "chat",
			metadata: { plan: "pro", turn: 3, beta: true, userId: "user_42", convoId: "conv_7" },
		});
	});

	it("leaves out what an OpenTelemetry attribute cannot hold, and a property cannot hide userId", () => {
		const properties = { userId: "someone_else", nested: { a: 1 }, nothing: null, nan: Number.NaN, ok: "yes" } as unknown as Record<string, string>;
		expect(aiTelemetry({ userId: "user_42", properties })).toEqual({ isEnabled: true, metadata: { userId: "user_42", ok: "yes" } });
	});

	it("can turn telemetry off for one call", () => {
		expect(aiTelemetry({ userId: "u", isEnabled: false }).isEnabled).toBe(false);
	});
});

// What an app's OpenTelemetry setup (NodeSDK, or NodeTracerProvider.register) does: spans know their parent.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

/** A turn through the real ai package, its spans serialized as the OTLP exporter does, then mapped as /v1/traces maps them. */
async function mapped(run: (tracer: ReturnType<NodeTracerProvider["getTracer"]>) => Promise<unknown>) {
	const exporter = new InMemorySpanExporter();
	const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
	await run(provider.getTracer("ai"));
	const body = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans())!));
	return mapGenAiSpans(body).events;
}

const usage = { inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
const answer = async () => ({
	content: [{ type: "text" as const, text: "Bonsoir" }],
	finishReason: { unified: "stop" as const, raw: "stop" },
	usage,
	warnings: [],
});

describe("with the real ai package, the stored event names the user, conversation and properties", () => {
	it("ai 6: aiTelemetry as experimental_telemetry", async () => {
		const events = await mapped((tracer) =>
			generateTextV6({
				model: new MockLanguageModelV3({ doGenerate: answer as never }),
				prompt: "Translate 'good evening' into French",
				experimental_telemetry: { ...aiTelemetry({ userId: "user_42", convoId: "conv_7", properties: { plan: "pro" }, functionId: "translate" }), tracer },
			}),
		);
		expect(events).toMatchObject([
			{
				user_id: "user_42",
				convo_id: "conv_7",
				input: "Translate 'good evening' into French",
				output: "Bonsoir",
				properties: { plan: "pro", function: "translate" },
			},
		]);
	});

	it("ai 7: aiRuntimeTelemetry spread into the call, with @ai-sdk/otel's integration", async () => {
		const events = await mapped((tracer) =>
			generateText({
				model: new MockLanguageModelV4({ doGenerate: answer as never }),
				prompt: "Translate 'good evening' into French",
				...aiRuntimeTelemetry({
					userId: "user_42",
					convoId: "conv_7",
					properties: { plan: "pro" },
					integrations: [new OpenTelemetry({ tracer, runtimeContext: true })],
				}),
			} as never),
		);
		expect(events).toMatchObject([
			{ user_id: "user_42", convo_id: "conv_7", input: "Translate 'good evening' into French", output: "Bonsoir", properties: { plan: "pro" } },
		]);
	});
});
