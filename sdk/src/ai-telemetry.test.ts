import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { generateText } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterEach, describe, expect, it } from "vitest";
import { aiTelemetry } from "./ai-telemetry.js";

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

describe("aiTelemetry with the real ai package (v7)", () => {
	afterEach(() => trace.disable());

	const model = () =>
		new MockLanguageModelV4({
			doGenerate: async () => ({
				content: [{ type: "text", text: "Bonsoir" }],
				finishReason: { unified: "stop", raw: "stop" },
				usage: { inputTokens: { total: 3, noCache: 3, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } },
				warnings: [],
			}),
		});

	it("generateText takes it as experimental_telemetry and hands functionId to the telemetry integrations", async () => {
		const started: Record<string, unknown>[] = [];
		const telemetry = aiTelemetry({ userId: "user_42", convoId: "conv_7", properties: { plan: "pro" }, functionId: "translate" });
		const result = await generateText({
			model: model(),
			prompt: "Translate 'good evening' into French",
			experimental_telemetry: { ...telemetry, integrations: [{ onStart: (event) => void started.push(event as Record<string, unknown>) }] },
		});
		expect(result.text).toBe("Bonsoir");
		expect(started).toHaveLength(1);
		expect(started[0]).toMatchObject({ operationId: "ai.generateText", functionId: "translate" });
	});

	// ai 7 moved OpenTelemetry spans out into @ai-sdk/otel and no longer carries `metadata` to integrations:
	// the `ai.telemetry.metadata.*` attributes come from ai 4 to 6 (and ai 7 with a metadata-aware
	// integration). This pins that down, so the day the installed ai changes, this test says so.
	it("ai 7 by itself exports no spans and forwards no metadata", async () => {
		const exporter = new InMemorySpanExporter();
		new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
		const started: Record<string, unknown>[] = [];
		await generateText({
			model: model(),
			prompt: "hi",
			experimental_telemetry: {
				...aiTelemetry({ userId: "user_42" }),
				integrations: [{ onStart: (event) => void started.push(event as Record<string, unknown>) }],
			},
		});
		expect(exporter.getFinishedSpans()).toHaveLength(0);
		expect(started[0]).not.toHaveProperty("metadata");
	});
});
