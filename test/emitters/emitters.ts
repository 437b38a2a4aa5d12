import { setMetadata, setSession, setUser } from "@arizeai/openinference-core";
import { OpenAIInstrumentation as OpenInferenceOpenAI } from "@arizeai/openinference-instrumentation-openai";
import { OpenTelemetry } from "@ai-sdk/otel";
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { OpenAIInstrumentation as TraceloopOpenAI } from "@traceloop/instrumentation-openai";
import { generateText as generateTextV7, stepCountIs as stepCountIsV7, tool as toolV7 } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { generateText as generateTextV6, stepCountIs as stepCountIsV6, tool as toolV6 } from "ai-v6";
import { MockLanguageModelV3 } from "ai-v6/test";
import OpenAI from "openai";
import { z } from "zod";
import { FAKE_ANSWER, startFakeOpenAi } from "./fake-openai";

/**
 * One user turn as each real emitter records it: the user asks, the model calls a tool that fails, the
 * model answers. Every emitter is the library from npm, unchanged; the model is the library's own mock
 * (Vercel AI SDK) or a fake OpenAI server on loopback (the OpenAI instrumentations).
 */
export interface Turn {
	user: string;
	convo: string;
	question: string;
}

export interface Emitted {
	/** What the turn should be stored as. */
	expect: { input: string; output: string; model: string; tool: string; toolError: string | null; properties: Record<string, string> };
}

const VERCEL_ANSWER = "Sorry, the weather service is down, so I can't tell you the forecast.";

/** A mock model's two steps: a tool call, then the answer. */
function mockSteps() {
	let step = 0;
	return async () => {
		step++;
		const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
		if (step === 1)
			return {
				content: [{ type: "tool-call" as const, toolCallId: "call_weather_1", toolName: "weather", input: JSON.stringify({ city: "Lisbon" }) }],
				finishReason: { unified: "tool-calls" as const, raw: "tool_calls" },
				usage,
				warnings: [],
			};
		return { content: [{ type: "text" as const, text: VERCEL_ANSWER }], finishReason: { unified: "stop" as const, raw: "stop" }, usage, warnings: [] };
	};
}

const failingWeather = async (): Promise<string> => {
	throw new Error("weather upstream 503");
};
const vercelExpect = (plan: string) => ({
	input: "",
	output: VERCEL_ANSWER,
	model: "mock-model-id",
	tool: "weather",
	toolError: "weather upstream 503",
	properties: { plan },
});

/** Vercel AI SDK 6: `experimental_telemetry` with metadata, the form most apps use. */
export async function vercelAiV6(tracer: Tracer, turn: Turn): Promise<Emitted> {
	await generateTextV6({
		model: new MockLanguageModelV3({ doGenerate: mockSteps() as never }),
		prompt: turn.question,
		stopWhen: stepCountIsV6(3),
		tools: { weather: toolV6({ description: "Weather for a city", inputSchema: z.object({ city: z.string() }), execute: failingWeather }) },
		experimental_telemetry: { isEnabled: true, functionId: "chat", tracer, metadata: { userId: turn.user, sessionId: turn.convo, plan: "pro" } },
	});
	return { expect: { ...vercelExpect("pro"), input: turn.question } };
}

/** Vercel AI SDK 7: telemetry through `@ai-sdk/otel` (GenAI conventions), user and conversation in the runtime context. */
export async function vercelAiV7(tracer: Tracer, turn: Turn): Promise<Emitted> {
	await generateTextV7({
		model: new MockLanguageModelV4({ doGenerate: mockSteps() as never }),
		prompt: turn.question,
		stopWhen: stepCountIsV7(3),
		tools: { weather: toolV7({ description: "Weather for a city", inputSchema: z.object({ city: z.string() }), execute: failingWeather }) },
		runtimeContext: { userId: turn.user, convoId: turn.convo, plan: "team" },
		telemetry: {
			isEnabled: true,
			functionId: "chat",
			includeRuntimeContext: { userId: true, convoId: true, plan: true },
			integrations: [new OpenTelemetry({ tracer, runtimeContext: true })],
		},
	} as never);
	return { expect: { ...vercelExpect("team"), input: turn.question } };
}

/** The app's side of a tool loop over the OpenAI client: ask, run the tool the model asked for, send the result back. */
async function toolLoop(client: OpenAI, question: string, runTool: () => Promise<string>) {
	const tools = [
		{ type: "function" as const, function: { name: "lookup_contacts", parameters: { type: "object", properties: { query: { type: "string" } } } } },
	];
	const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
		{ role: "system", content: "You are a helpful assistant." },
		{ role: "user", content: question },
	];
	const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
	const call = first.choices[0]!.message.tool_calls![0]!;
	messages.push(first.choices[0]!.message as OpenAI.Chat.ChatCompletionMessageParam, { role: "tool", tool_call_id: call.id, content: await runTool() });
	await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
}

/**
 * OpenInference's OpenAI instrumentation, as Arize Phoenix users set it up: user, session and metadata
 * through openinference-core's context helpers, an AGENT span around the turn, a TOOL span for the tool.
 */
export async function openInference(provider: NodeTracerProvider, turn: Turn): Promise<Emitted> {
	const fake = await startFakeOpenAi();
	const instrumentation = new OpenInferenceOpenAI();
	instrumentation.setTracerProvider(provider);
	instrumentation.manuallyInstrument(OpenAI);
	const client = new OpenAI({ apiKey: "sk-test", baseURL: fake.url });
	const tracer = provider.getTracer("support-app");
	const ctx = setMetadata(setUser(setSession(context.active(), { sessionId: turn.convo }), { userId: turn.user }), { plan: "enterprise" });
	try {
		await context.with(ctx, () =>
			tracer.startActiveSpan("support-agent", { attributes: { "openinference.span.kind": "AGENT", "input.value": turn.question } }, async (agent) => {
				await toolLoop(client, turn.question, () =>
					tracer.startActiveSpan(
						"lookup_contacts",
						{ attributes: { "openinference.span.kind": "TOOL", "tool.name": "lookup_contacts", "input.value": '{"query":"Ana"}' } },
						async (span) => {
							span.setStatus({ code: SpanStatusCode.ERROR, message: "contacts permission denied" });
							span.end();
							return "error: contacts permission denied";
						},
					),
				);
				agent.setAttribute("output.value", FAKE_ANSWER);
				agent.end();
			}),
		);
	} finally {
		fake.server.close();
	}
	return {
		expect: {
			input: turn.question,
			output: FAKE_ANSWER,
			model: "gpt-4o-mini-2024-07-18",
			tool: "lookup_contacts",
			toolError: "contacts permission denied",
			properties: { plan: "enterprise" },
		},
	};
}

/**
 * Traceloop's (OpenLLMetry's) OpenAI instrumentation under an app's request span that carries the user and
 * session; the app runs the tool itself (no tool span), so the tool call is read from the messages.
 */
export async function traceloop(provider: NodeTracerProvider, turn: Turn, via: "span" | "baggage" = "span"): Promise<Emitted> {
	const fake = await startFakeOpenAi();
	const instrumentation = new TraceloopOpenAI({ traceContent: true });
	instrumentation.setTracerProvider(provider);
	instrumentation.manuallyInstrument(OpenAI);
	const client = new OpenAI({ apiKey: "sk-test", baseURL: fake.url });
	const tracer = provider.getTracer("support-app");
	// Either the app's request span names the user and session, or an upstream service sent them as W3C
	// baggage, extracted from the request's header and copied onto every span by the BaggageSpanProcessor.
	const incoming =
		via === "baggage" ? propagation.extract(ROOT_CONTEXT, { baggage: `user.id=${turn.user},session.id=${turn.convo},barometer.plan=free` }) : context.active();
	const attributes = via === "span" ? { "user.id": turn.user, "session.id": turn.convo, "traceloop.association.properties.plan": "free" } : {};
	try {
		await context.with(incoming, () =>
			tracer.startActiveSpan("POST /chat", { attributes }, async (request) => {
				await toolLoop(client, turn.question, async () => "error: contacts permission denied");
				request.end();
			}),
		);
	} finally {
		fake.server.close();
	}
	return {
		expect: {
			input: turn.question,
			output: FAKE_ANSWER,
			model: "gpt-4o-mini-2024-07-18",
			tool: "lookup_contacts",
			toolError: null,
			properties: { plan: "free" },
		},
	};
}

export const EMITTERS = {
	"vercel-ai-6": (p: NodeTracerProvider, t: Turn) => vercelAiV6(p.getTracer("ai"), t),
	"vercel-ai-7": (p: NodeTracerProvider, t: Turn) => vercelAiV7(p.getTracer("ai"), t),
	openinference: openInference,
	traceloop: (p: NodeTracerProvider, t: Turn) => traceloop(p, t, "span"),
	"traceloop-baggage": (p: NodeTracerProvider, t: Turn) => traceloop(p, t, "baggage"),
} as const;
export type EmitterName = keyof typeof EMITTERS;
