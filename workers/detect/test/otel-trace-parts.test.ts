import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { OtlpSpan } from "#core/otlp/otlp-types";
import { splitByTrace } from "#core/otlp/trace-parts";
import type { OtelTraceMessage } from "#core/queue-messages";
import worker from "../src";
import { consumeBatch } from "../src/ingest-batch/consume-batch";
import { TRACE_SETTLE_MS } from "../src/ingest-batch/otel-trace-parts";
import { countRows } from "../../shared/test/seed-project";
import { delivery, recordingBatch } from "./messages";

/**
 * A turn sent in several exports (a long agent run under the batch span processor, or the simple
 * processor): its parts wait in otel_trace_parts until the turn span settles the trace, then it is
 * one event; a trace whose turn span never comes is settled by the cron.
 */
let PROJECT = "";
let TRACE = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_otel_parts_${++n}`;
	TRACE = n.toString(16).padStart(32, "0");
});

const attrs = (a: Record<string, string | number>) =>
	Object.entries(a).map(([key, v]) => ({ key, value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v } }));
const span = (
	id: string,
	parent: string | undefined,
	name: string,
	a: Record<string, string | number>,
	status?: { code: number; message: string },
): OtlpSpan => ({
	traceId: TRACE,
	spanId: id.repeat(16),
	...(parent ? { parentSpanId: parent.repeat(16) } : {}),
	name,
	startTimeUnixNano: String(1_795_200_000_000_000_000n + BigInt(id.charCodeAt(0)) * 1_000_000n),
	endTimeUnixNano: String(1_795_200_000_100_000_000n + BigInt(id.charCodeAt(0)) * 1_000_000n),
	attributes: attrs(a),
	...(status ? { status } : {}),
});
const say = (text: string) => JSON.stringify([{ role: "user", parts: [{ type: "text", content: text }] }]);
const answer = (text: string) => JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: text }] }]);
const turnSpan = () => span("a", undefined, "invoke_agent support", { "gen_ai.operation.name": "invoke_agent", "user.id": "u_parts", "session.id": "c_parts" });
const step1 = () =>
	span("b", "a", "chat gpt-4o", { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "gen_ai.input.messages": say("Export my contacts") });
const tool = () =>
	span(
		"c",
		"a",
		"execute_tool export_contacts",
		{ "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "export_contacts" },
		{ code: 2, message: "denied" },
	);
const step2 = () =>
	span("d", "a", "chat gpt-4o", {
		"gen_ai.operation.name": "chat",
		"gen_ai.request.model": "gpt-4o",
		"gen_ai.input.messages": say("Export my contacts"),
		"gen_ai.output.messages": answer("I'm sorry, but I can't access your contacts."),
	});

/** One export of these spans, as ingest queues it. */
function message(spans: OtlpSpan[], receivedAt = Date.now()): OtelTraceMessage {
	const [part] = splitByTrace({ resourceSpans: [{ resource: { attributes: attrs({ "service.name": "agent" }) }, scopeSpans: [{ spans }] }] });
	return { v: 1, type: "otel_trace", project_id: PROJECT, received_at: receivedAt, trace_id: part!.traceId, part_id: part!.partId, spans: part!.request };
}

async function consume(...bodies: OtelTraceMessage[]) {
	const deliveries = bodies.map((b) => delivery(b));
	const { batch, decisions } = recordingBatch("barometer-events", deliveries);
	await consumeBatch(batch, env);
	return deliveries.map((d) => decisions.get(d.id)?.action);
}

async function cron(scheduledTime: number) {
	const ctx = createExecutionContext();
	await worker.scheduled!(createScheduledController({ cron: "* * * * *", scheduledTime }), env, ctx);
	await waitOnExecutionContext(ctx);
}

describe("OpenTelemetry turns in several exports", () => {
	it("steps exported before their turn span wait; the turn span makes them one event with every tool call", async () => {
		expect(await consume(message([step1()]))).toEqual(["ack"]);
		expect(await consume(message([tool()]), message([step2()]))).toEqual(["ack", "ack"]);
		expect(await countRows("events", PROJECT)).toBe(0);
		expect(await countRows("otel_trace_parts", PROJECT, "settled_at IS NULL")).toBe(3);
		expect(await consume(message([turnSpan()]))).toEqual(["ack"]);
		const event = await env.DB.prepare("SELECT event_id, user_id, convo_id, input, output, model, properties FROM events WHERE project_id = ?")
			.bind(PROJECT)
			.all<{ event_id: string; user_id: string; convo_id: string; input: string; output: string; model: string; properties: string }>();
		expect(event.results).toHaveLength(1);
		expect(event.results[0]).toMatchObject({
			event_id: `otel_${TRACE.slice(0, 16)}_${"a".repeat(16)}`,
			user_id: "u_parts",
			convo_id: "c_parts",
			input: "Export my contacts",
			output: "I'm sorry, but I can't access your contacts.",
			model: "gpt-4o",
		});
		expect(JSON.parse(event.results[0]!.properties)).toMatchObject({ llm_calls: 2 });
		expect(await countRows("tool_calls", PROJECT, "name = 'export_contacts' AND error = 'denied'")).toBe(1);
		expect(await countRows("otel_trace_parts", PROJECT, "settled_at IS NOT NULL AND body IS NULL")).toBe(4);
	});

	it("a retried export of a settled part changes nothing; the same spans in one export are one event at once", async () => {
		const whole = message([step1(), tool(), step2(), turnSpan()]);
		expect(await consume(whole)).toEqual(["ack"]);
		expect(await countRows("events", PROJECT)).toBe(1);
		expect(await consume(whole, message([step1(), tool(), step2(), turnSpan()]))).toEqual(["ack", "ack"]);
		expect(await countRows("events", PROJECT)).toBe(1);
		const days = await env.DB.prepare("SELECT sum(events) AS n FROM event_days WHERE project_id = ?").bind(PROJECT).first<{ n: number }>();
		expect(days!.n).toBe(1);
	});

	it("a trace whose turn span never comes is settled by the cron once nothing new came, exactly once", async () => {
		const t0 = Date.now();
		await consume(message([step1(), tool(), step2()], t0));
		await cron(t0 + 1_000);
		expect(await countRows("events", PROJECT)).toBe(0);
		await cron(t0 + TRACE_SETTLE_MS + 1_000);
		await vi.waitFor(async () => expect(await countRows("events", PROJECT, "input = 'Export my contacts'")).toBe(1), { timeout: 20_000, interval: 200 });
		expect(await countRows("otel_trace_parts", PROJECT, "settled_at IS NULL")).toBe(0);
		await cron(t0 + TRACE_SETTLE_MS + 61_000);
		await new Promise((r) => setTimeout(r, 1_000));
		expect(await countRows("events", PROJECT)).toBe(1);
	});

	it("tool spans naming an app event in the same batch join it; a later batch adds its spans to the stored event", async () => {
		const linkedTool = (id: string, name: string) =>
			span(id, undefined, name, {
				"traceloop.span.kind": "tool",
				"traceloop.entity.input": '{"q":1}',
				"traceloop.association.properties.event_id": "app_evt_1",
				"traceloop.association.properties.user_id": "u_app",
			});
		const appEvent = {
			v: 1 as const,
			type: "event" as const,
			project_id: PROJECT,
			received_at: Date.now(),
			event: { event_id: "app_evt_1", user_id: "u_app", event: "agent", input: "Book it", timestamp: Date.now(), properties: {}, tool_calls: [] },
		};
		const deliveries = [delivery<unknown>(message([linkedTool("e", "search")])), delivery<unknown>(appEvent)];
		const { batch, decisions } = recordingBatch("barometer-events", deliveries);
		await consumeBatch(batch, env);
		const letters = await env.DB.prepare("SELECT reason FROM dead_letters WHERE project_id = ?").bind(PROJECT).all();
		expect({ decisions: deliveries.map((d) => decisions.get(d.id)?.action), letters: letters.results }).toEqual({ decisions: ["ack", "ack"], letters: [] });
		expect(await countRows("events", PROJECT)).toBe(1);
		expect(await countRows("tool_calls", PROJECT, "event_id = 'app_evt_1' AND name = 'search'")).toBe(1);
		TRACE = "f".repeat(32);
		expect(await consume(message([linkedTool("f", "book")]))).toEqual(["ack"]);
		expect(await countRows("tool_calls", PROJECT, "event_id = 'app_evt_1'")).toBe(2);
		const row = await env.DB.prepare("SELECT tool_call_count AS n FROM events WHERE project_id = ? AND event_id = 'app_evt_1'")
			.bind(PROJECT)
			.first<{ n: number }>();
		expect(row!.n).toBe(2);
		expect(await countRows("event_links", PROJECT)).toBe(0);
	});
});
