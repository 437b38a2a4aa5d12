import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { describe, expect, inject, it, vi } from "vitest";
import { Barometer, type BarometerError } from "../sdk/src";

const BASE = inject("e2eBaseUrl");
const WRITE = "bm_write_localdev00000000000000000000";
const READ = "bm_read_localdev000000000000000000000";

const read = async <T>(path: string) => {
	const res = await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${READ}` } });
	return { status: res.status, body: (await res.json()) as T };
};

interface EventView {
	event_id: string;
	user_id: string;
	model: string;
	input: string;
	output: string;
	tool_calls: { name: string; error: string | null }[];
	detections: { signal: string }[];
}

/**
 * An agent turn instrumented with the official OpenTelemetry JS SDK, exported to the local ingest
 * through the batch processor (the production setup), so the tool span travels with its chat span.
 */
async function exportAgentTurn(exporter: SpanExporter, user: string) {
	const provider = new BasicTracerProvider({
		resource: resourceFromAttributes({ "service.name": "otel-e2e" }),
		spanProcessors: [new BatchSpanProcessor(exporter)],
	});
	const tracer = provider.getTracer("e2e");
	const chat = tracer.startSpan("chat gpt-4o", {
		attributes: {
			"gen_ai.operation.name": "chat",
			"gen_ai.request.model": "gpt-4o",
			"user.id": user,
			"gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Book a table for two tonight" }] }]),
			"gen_ai.output.messages": JSON.stringify([
				{ role: "assistant", parts: [{ type: "text", content: "I'm sorry, but I can't make restaurant reservations." }] },
			]),
		},
	});
	const tool = tracer.startSpan(
		"execute_tool reserve",
		{ attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "reserve_table" } },
		trace.setSpan(ROOT_CONTEXT, chat),
	);
	tool.setStatus({ code: SpanStatusCode.ERROR, message: "provider unavailable" });
	tool.end();
	chat.end();
	await provider.forceFlush();
	await provider.shutdown();
	return `otel_${chat.spanContext().traceId.slice(0, 16)}_${chat.spanContext().spanId}`;
}

describe("ingest clients against the running system", () => {
	for (const [name, make] of [
		["OTLP/HTTP JSON exporter", () => new JsonExporter({ url: `${BASE}/v1/traces`, headers: { authorization: `Bearer ${WRITE}` } })],
		["OTLP/HTTP protobuf exporter", () => new ProtoExporter({ url: `${BASE}/v1/traces`, headers: { authorization: `Bearer ${WRITE}` } })],
	] as const) {
		it(`${name}: GenAI spans arrive as an event with its failing tool call, and are detected`, async () => {
			const user = `otel_user_${name.includes("JSON") ? "json" : "proto"}`;
			const id = await exportAgentTurn(make(), user);
			const event = await vi.waitFor(
				async () => {
					const r = await read<{ data: EventView }>(`/api/events/${id}`);
					expect(r.status).toBe(200);
					return r.body.data;
				},
				{ timeout: 10_000, interval: 200 },
			);
			expect(event).toMatchObject({ user_id: user, model: "gpt-4o", input: "Book a table for two tonight" });
			expect(event.tool_calls).toEqual([expect.objectContaining({ name: "reserve_table", error: "provider unavailable" })]);
			expect(event.detections.map((d) => d.signal)).toContain("refusal");
		});
	}

	it("SDK over real HTTP: events and feedback arrive", async () => {
		const errors: BarometerError[] = [];
		const bm = new Barometer({ writeKey: WRITE, endpoint: BASE, onError: (e) => errors.push(e) });
		const id = bm.trackAi({ user_id: "sdk_user", input: "Summarise my week", output: "You had 4 meetings and 2 trips." });
		bm.trackSignal({ event_id: id, signal: "thumbs_up", user_id: "sdk_user" });
		await bm.close();
		expect(errors).toEqual([]);
		const event = await vi.waitFor(
			async () => {
				const r = await read<{ data: { event_id: string; signals: { signal: string }[] } }>(`/api/events/${id}`);
				expect(r.body.data.signals.map((s) => s.signal)).toEqual(["thumbs_up"]);
				return r.body.data;
			},
			{ timeout: 10_000, interval: 200 },
		);
		expect(event.event_id).toBe(id);
	});
});
