import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { EmitterName } from "../../test/emitters/emitters";
import { type MappedEvent, mapGenAiSpans } from "./genai-spans";
import type { ExportTraceRequest, OtlpSpan } from "./otlp-types";
import { checkTraceRequest } from "./otlp-validate";
import { mergeParts, splitByTrace, traceSettled } from "./trace-parts";

/**
 * A turn sent in pieces: each real emitter's spans exported one at a time, in the order they ended (what the
 * simple span processor does, and what the batch processor does to a long agent run), held until the trace
 * is settled, then mapped. The result is the same one event as when the turn arrives whole.
 */
const run = promisify(execFile);
const NAMES: EmitterName[] = ["vercel-ai-6", "vercel-ai-7", "openinference", "traceloop"];
const exports = new Map<EmitterName, ExportTraceRequest>();

beforeAll(async () => {
	await Promise.all(
		NAMES.map(async (name) => {
			const { stdout } = await run(process.execPath, ["--import", "tsx", "test/emitters/emit.ts", name, "u", "c", "Find Ana in my contacts", "--dump"], {
				maxBuffer: 20 * 1024 * 1024,
			});
			const checked = checkTraceRequest((JSON.parse(stdout) as { export: unknown }).export);
			if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
			exports.set(name, checked.request);
		}),
	);
}, 60_000);

/** One export per span, in the order the spans ended (the in-memory exporter's order). */
function oneByOne(request: ExportTraceRequest): ExportTraceRequest[] {
	return (request.resourceSpans ?? []).flatMap((rs) =>
		(rs.scopeSpans ?? []).flatMap((ss) => (ss.spans ?? []).map((span: OtlpSpan) => ({ resourceSpans: [{ ...rs, scopeSpans: [{ ...ss, spans: [span] }] }] }))),
	);
}

const strip = (e: { properties: Record<string, unknown> }) => ({ ...e, properties: { ...e.properties, duration_ms: 0 } });

describe.each(NAMES)("%s sent span by span", (name) => {
	it("waits until the trace is settled, then maps to the same single event as the whole export", () => {
		const whole = mapGenAiSpans(exports.get(name)!).events;
		expect(whole).toHaveLength(1);
		let pending: ExportTraceRequest[] = [];
		const events: MappedEvent[] = [];
		const settledAfter: number[] = [];
		oneByOne(exports.get(name)!).forEach((piece, i) => {
			for (const part of splitByTrace(piece)) {
				const union = mergeParts([...pending, part.request]);
				if (traceSettled(union)) {
					events.push(...mapGenAiSpans(union).events);
					settledAfter.push(i);
					pending = [];
				} else pending.push(part.request);
			}
		});
		expect(pending).toEqual([]);
		expect(events.map(strip)).toEqual(whole.map(strip));
		// Settled only by the last span (the turn or request span that ends last), never before.
		expect(settledAfter).toEqual([oneByOne(exports.get(name)!).length - 1]);
	});
});

describe("what settles a trace", () => {
	const T = "a".repeat(32);
	const s = (spanId: string, parentSpanId: string | undefined, attributes: Record<string, string>, flags?: number): OtlpSpan => ({
		traceId: T,
		spanId: spanId.repeat(16),
		...(parentSpanId ? { parentSpanId: parentSpanId.repeat(16) } : {}),
		name: "x",
		...(flags !== undefined ? { flags } : {}),
		attributes: Object.entries(attributes).map(([key, v]) => ({ key, value: { stringValue: v } })),
	});
	const req = (...spans: OtlpSpan[]): ExportTraceRequest => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
	const chat = { "gen_ai.operation.name": "chat" };

	it.each([
		["a model call at the root", req(s("1", undefined, chat)), true],
		["a model call whose parent has not arrived", req(s("1", "9", chat)), false],
		["a model call whose parent is in another process (remote flag)", req(s("1", "9", chat, 0x301)), true],
		["a model call whose parent's locality is unknown", req(s("1", "9", chat, 0x001)), false],
		["a turn span whose parent (the app's request) has not arrived", req(s("1", "9", { "gen_ai.operation.name": "invoke_agent" }), s("2", "1", chat)), true],
		["an app span whose parent has not arrived, holding a model call", req(s("1", "9", { "http.route": "/chat" }), s("2", "1", chat)), true],
		["an agent step whose agent has not arrived", req(s("1", "9", { "gen_ai.operation.name": "agent_step" }), s("2", "1", chat)), false],
	])("%s: settled %s", (_what, request, settled) => {
		expect(traceSettled(request)).toBe(settled);
	});

	it("a part's id names its spans: the same spans in another order give the same id, others another", () => {
		const a = splitByTrace(req(s("1", undefined, chat), s("2", "1", chat)))[0]!;
		const b = splitByTrace(req(s("2", "1", chat), s("1", undefined, chat)))[0]!;
		const c = splitByTrace(req(s("1", undefined, chat)))[0]!;
		expect(a.partId).toBe(b.partId);
		expect(a.partId).not.toBe(c.partId);
		expect(a.spans).toBe(2);
	});
});
