import { describe, expect, it } from "vitest";
import { mapGenAiSpans } from "./genai-spans";
import { decodeTraceRequest, OtlpDecodeError, varint } from "./otlp-protobuf";
import type { ExportTraceRequest } from "./otlp-types";
import { readTraceExport, type TraceExportResult } from "./otlp-validate";

/**
 * Malformed and hostile OTLP: every body ends in events or field-named errors, never an exception
 * and never a loop. A test that hangs here (instead of failing) is the span-cycle bug coming back.
 */

const TRACE = "5b8efff798038103d269b633813fc60c";
const attr = (key: string, v: string | number) => ({ key, value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v } });
const chat = (spanId: string, parentSpanId?: string) => ({
	traceId: TRACE,
	spanId,
	...(parentSpanId ? { parentSpanId } : {}),
	name: "chat gpt-4o",
	startTimeUnixNano: "1767225600000000000",
	endTimeUnixNano: "1767225601000000000",
	attributes: [
		attr("gen_ai.operation.name", "chat"),
		attr("gen_ai.request.model", "gpt-4o"),
		attr("user.id", "u1"),
		attr("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: "hi" }] }])),
	],
	events: [{ name: "gen_ai.choice", timeUnixNano: "1767225601000000000", attributes: [attr("content", "hello")] }],
	status: { code: 1 },
});
const tool = (spanId: string, parentSpanId?: string, traceId = TRACE) => ({
	traceId,
	spanId,
	...(parentSpanId ? { parentSpanId } : {}),
	name: "execute_tool search",
	startTimeUnixNano: "1767225600500000000",
	attributes: [attr("gen_ai.tool.name", "search"), attr("gen_ai.tool.call.arguments", '{"q":"x"}')],
	status: { code: 2, message: "timeout" },
});
const body = (spans: unknown[], resource: unknown = { attributes: [attr("service.name", "svc")] }) => ({
	resourceSpans: [{ resource, scopeSpans: [{ scope: { name: "t" }, spans }] }],
});

/** Through JSON text, as the route sees it. */
const read = (b: unknown): TraceExportResult => readTraceExport(JSON.parse(JSON.stringify(b)));

function envelopeErrors(b: unknown) {
	const r = read(b);
	if (r.ok) throw new Error(`expected envelope errors, got ${JSON.stringify(r)}`);
	return r.errors;
}

describe("OTLP span trees with cycles", () => {
	it("a tool span that is its own parent (the 316-byte freeze) becomes one event", () => {
		const { events } = mapGenAiSpans(body([tool("00f067aa0ba902b7", "00f067aa0ba902b7")]) as ExportTraceRequest);
		expect(events).toHaveLength(1);
		expect(events[0]!.tool_calls.map((t) => t.name)).toEqual(["search"]);
	});

	it("parent cycles among tool spans and other spans end, each tool span mapped once", () => {
		const other = { traceId: TRACE, spanId: "cccccccccccccccc", parentSpanId: "aaaaaaaaaaaaaaaa", name: "GET /" };
		const { events } = mapGenAiSpans(
			body([tool("aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"), tool("bbbbbbbbbbbbbbbb", "cccccccccccccccc"), other]) as ExportTraceRequest,
		);
		expect(events.flatMap((e) => e.tool_calls)).toHaveLength(2);
	});

	it("a cycle through an LLM span attaches the tools to it", () => {
		const { events } = mapGenAiSpans(
			body([
				chat("1111111111111111", "2222222222222222"),
				tool("2222222222222222", "1111111111111111"),
				tool("3333333333333333", "3333333333333333"),
			]) as ExportTraceRequest,
		);
		expect(events).toHaveLength(1);
		expect(events[0]!.tool_calls).toHaveLength(2);
	});

	it("a chain of 5,000 nested tool spans (and one long cycle) maps in one pass", () => {
		const id = (i: number) => i.toString(16).padStart(16, "0");
		const chain = Array.from({ length: 5_000 }, (_, i) => tool(id(i + 1), id(i), "f".repeat(32)));
		const ring = Array.from({ length: 5_000 }, (_, i) => tool(id(100_000 + i), id(100_000 + ((i + 1) % 5_000))));
		const { events } = mapGenAiSpans(body([...chain, ...ring]) as ExportTraceRequest);
		// The chain is one event holding all its tool calls; the ring has no top, so each span stands alone.
		const chainEvent = events.find((e) => e.convo_id === "f".repeat(32))!;
		expect(chainEvent.tool_calls).toHaveLength(5_000);
		expect(events).toHaveLength(1 + 5_000);
	});
});

describe("OTLP JSON validation names the field", () => {
	it.each([
		[{ resourceSpans: [null] }, "resourceSpans[0]"],
		[{ resourceSpans: [{ scopeSpans: 0 }] }, "resourceSpans[0].scopeSpans"],
		[{ resourceSpans: [{ resource: { attributes: {} }, scopeSpans: [] }] }, "resourceSpans[0].resource.attributes"],
		[{ resourceSpans: [{ scopeSpans: [{ spans: {} }] }] }, "resourceSpans[0].scopeSpans[0].spans"],
		[{ resourceSpans: "nope" }, "resourceSpans"],
		[[], "body"],
		[null, "body"],
	])("refuses the envelope %j at %s", (b, field) => {
		expect(envelopeErrors(b).map((e) => e.field)).toContain(field);
	});

	const at = (field: string) => `resourceSpans[0].scopeSpans[0].spans[0].${field}`;
	it.each([
		["attributes: [null]", { ...chat("1111111111111111"), attributes: [null] }, at("attributes[0]")],
		["startTimeUnixNano: 1.5", { ...chat("1111111111111111"), startTimeUnixNano: "1.5" }, at("startTimeUnixNano")],
		["events: {}", { ...chat("1111111111111111"), events: {} }, at("events")],
		["a tool span without traceId", { ...tool("1111111111111111"), traceId: undefined }, at("traceId")],
		[
			"attribute value of the wrong type",
			{ ...chat("1111111111111111"), attributes: [{ key: "k", value: { intValue: "x" } }] },
			at("attributes[0].value.intValue"),
		],
		["status code unknown", { ...chat("1111111111111111"), status: { code: "BAD" } }, at("status.code")],
	])("rejects a span with %s, keeping its valid sibling", (_what, bad, field) => {
		const r = read({ resourceSpans: [{ scopeSpans: [{ spans: [bad, chat("2222222222222222")] }] }] });
		expect(r.ok && r.spanProblems.flatMap((p) => p.errors.map((e) => e.field))).toContain(field);
		expect(r.ok && r.mapping.events.map((e) => e.event_id)).toEqual([`otel_${TRACE.slice(0, 16)}_2222222222222222`]);
	});

	it("a tool span without name or gen_ai.tool.name is rejected naming the field", () => {
		const nameless = { traceId: TRACE, spanId: "1111111111111111", attributes: [attr("gen_ai.operation.name", "execute_tool")] };
		const r = read(body([nameless]));
		expect(r.ok && r.mapping.rejected).toEqual([{ spanId: "1111111111111111", field: at("name"), reason: expect.stringContaining("required") }]);
	});

	it("accepts the protobuf JSON mapping's leniency: null as absent, numbers for 64-bit values, enum names", () => {
		const span = {
			...chat("1111111111111111"),
			parentSpanId: null,
			startTimeUnixNano: 1767225600000000000,
			kind: "SPAN_KIND_CLIENT",
			status: { code: "STATUS_CODE_ERROR", message: "boom" },
			links: null,
		};
		const r = read({ resourceSpans: [{ resource: null, scopeSpans: [{ scope: null, spans: [span] }] }] });
		expect(r.ok && r.spanProblems).toEqual([]);
		expect(r.ok && r.mapping.events[0]).toMatchObject({ timestamp: 1767225600000, properties: { error: "boom" } });
	});

	it("refuses attribute values nested deeper than the limit, naming where", () => {
		// Built as text: JSON.stringify itself cannot nest this deep.
		const value = `${'{"arrayValue":{"values":['.repeat(5000)}{"stringValue":"x"}${"]}}".repeat(5000)}`;
		const text = JSON.stringify(body([{ ...chat("1111111111111111"), attributes: [{ key: "deep", value: "VALUE" }] }])).replace('"VALUE"', value);
		const r = readTraceExport(JSON.parse(text));
		const errors = r.ok ? [] : r.errors;
		expect(errors[0]!.field).toMatch(/^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[0\]\.value\.arrayValue/);
	});

	it("message attributes with null parts, null content items and deep nesting do not break the mapping", () => {
		const deep = `${'{"message":'.repeat(20_000)}"x"${"}".repeat(20_000)}`;
		const messages = [null, 3, { role: "user", parts: [null, "s", { type: "text", content: null }], content: [null, 1, { text: "a" }] }];
		const span = {
			...chat("1111111111111111"),
			attributes: [attr("gen_ai.request.model", "m"), attr("gen_ai.input.messages", JSON.stringify(messages)), attr("gen_ai.output.messages", `[${deep}]`)],
		};
		const r = read(body([span]));
		expect(r.ok && r.mapping.events).toHaveLength(1);
	});
});

describe("OTLP protobuf: truncated or garbage bodies", () => {
	const proto = () => {
		const json = body([chat("1111111111111111"), tool("2222222222222222", "1111111111111111")]) as ExportTraceRequest;
		return encodeRequest(json);
	};

	it("the encoder used here round-trips (so its corruptions start from a valid body)", () => {
		const json = body([chat("1111111111111111"), tool("2222222222222222", "1111111111111111")]);
		const fromProto = readTraceExport(decodeTraceRequest(proto()));
		const fromJson = read(json);
		expect(fromProto.ok && fromProto.mapping.events).toEqual(fromJson.ok && fromJson.mapping.events);
		expect(fromProto.ok && fromProto.mapping.events).toHaveLength(1);
	});

	it("every truncation of a valid body is an OtlpDecodeError naming a field, or decodes to something checkable", () => {
		const bytes = proto();
		let refused = 0;
		for (let n = 0; n < bytes.length; n++) {
			try {
				const decoded = decodeTraceRequest(bytes.subarray(0, n));
				expect(() => readTraceExport(decoded)).not.toThrow();
			} catch (err) {
				expect(err).toBeInstanceOf(OtlpDecodeError);
				expect((err as OtlpDecodeError).field).toBeTruthy();
				refused++;
			}
		}
		expect(refused).toBeGreaterThan(bytes.length / 2);
	});

	it("a fixed64 cut short, a wrong wire type, invalid UTF-8 and deep nesting are refused", () => {
		const cases: [number[], string][] = [
			// resourceSpans[0].scopeSpans[0].spans[0] with startTimeUnixNano (field 7, fixed64) cut to 3 bytes
			[[0x0a, 8, 0x12, 6, 0x12, 4, 0x39, 1, 2, 3], "resourceSpans[0].scopeSpans[0].spans[0]"],
			// resourceSpans as a varint
			[[0x08, 1], "body"],
			// span name (field 5) with invalid UTF-8
			[[0x0a, 7, 0x12, 5, 0x12, 3, 0x2a, 1, 0xff], "resourceSpans[0].scopeSpans[0].spans[0].name"],
		];
		for (const [bytes, field] of cases) {
			expect(() => decodeTraceRequest(new Uint8Array(bytes))).toThrow(OtlpDecodeError);
			try {
				decodeTraceRequest(new Uint8Array(bytes));
			} catch (err) {
				expect((err as OtlpDecodeError).field).toBe(field);
			}
		}
		// An attribute whose value is an array of an array of … 500 levels deep.
		let value = [0x0a, 1, 0x78]; // AnyValue { stringValue: "x" }
		for (let i = 0; i < 500; i++) {
			const list = [0x0a, ...varint(value.length), ...value]; // ArrayValue { values: [value] }
			value = [0x2a, ...varint(list.length), ...list]; // AnyValue { arrayValue }
		}
		const kv = [0x0a, 1, 0x6b, 0x12, ...varint(value.length), ...value];
		const spanBytes = [0x4a, ...varint(kv.length), ...kv];
		const ss = [0x12, ...varint(spanBytes.length), ...spanBytes];
		const rs = [0x12, ...varint(ss.length), ...ss];
		const all = new Uint8Array([0x0a, ...varint(rs.length), ...rs]);
		expect(() => decodeTraceRequest(all)).toThrow(/nested/);
	});

	it("1,000 seeded corruptions of a valid body: decoded and checked, or an OtlpDecodeError", () => {
		const base = proto();
		const rand = mulberry32(20261118);
		for (let i = 0; i < 1000; i++) {
			const bytes = base.slice(0, Math.max(1, Math.floor(rand() * (base.length + 1))));
			for (let f = 0, flips = 1 + Math.floor(rand() * 4); f < flips; f++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
			try {
				const decoded = decodeTraceRequest(bytes);
				expectTotal(readTraceExport(decoded));
			} catch (err) {
				if (!(err instanceof OtlpDecodeError)) throw err;
			}
		}
	});
});

describe("OTLP JSON: 600 seeded malformed variants of a valid body", () => {
	it("each ends in events or field-named errors, never an exception", () => {
		const rand = mulberry32(14);
		const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
		const ids = ["1111111111111111", "2222222222222222", "3333333333333333", "4444444444444444"];
		const junk = () =>
			pick<unknown>([
				null,
				0,
				-1,
				1.5,
				"",
				"1.5",
				"x",
				true,
				{},
				[],
				[null],
				[{}],
				{ stringValue: 1 },
				{ values: {} },
				"NaN",
				1e300,
				[[[]]],
				{ key: null },
				"STATUS_CODE_ERROR",
				ids[0],
				{ arrayValue: { values: [null] } },
			]);
		let ok = 0;
		let refused = 0;
		for (let n = 0; n < 600; n++) {
			const doc = body([
				chat(ids[0]!),
				tool(ids[1]!, ids[0]),
				tool(ids[2]!, ids[3]),
				{ traceId: TRACE, spanId: ids[3], parentSpanId: ids[2], name: "GET /" },
			]) as unknown;
			for (let m = 0, count = 1 + Math.floor(rand() * 3); m < count; m++) mutate(doc, rand, pick, junk, ids);
			const result = read(doc);
			expectTotal(result);
			if (result.ok) ok++;
			else refused++;
		}
		// Both outcomes are exercised.
		expect(ok).toBeGreaterThan(50);
		expect(refused).toBeGreaterThan(50);
	});
});

/** Events, or errors each naming a field; span problems name the span's path. */
function expectTotal(result: TraceExportResult) {
	if (!result.ok) {
		expect(result.errors.length).toBeGreaterThan(0);
		for (const e of result.errors)
			expect(typeof e.field === "string" && e.field.length > 0 && typeof e.message === "string" && e.message.length > 0).toBe(true);
		return;
	}
	expect(Array.isArray(result.mapping.events)).toBe(true);
	for (const p of result.spanProblems) for (const e of p.errors) expect(e.field.startsWith(p.path)).toBe(true);
	for (const r of result.mapping.rejected) expect(r.field).toMatch(/^resourceSpans\[\d+\]/);
	for (const e of result.mapping.events) expect(typeof e.event_id).toBe("string");
}

/** One random mutation somewhere in the document: a value replaced, removed, duplicated, or a parent link rewired. */
function mutate(doc: unknown, rand: () => number, pick: <T>(xs: readonly T[]) => T, junk: () => unknown, ids: string[]) {
	const slots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
	const spans: Record<string, unknown>[] = [];
	const walk = (v: unknown) => {
		if (!v || typeof v !== "object") return;
		if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ parent: v, key: i }), walk(x)));
		else {
			if ("spanId" in v) spans.push(v as Record<string, unknown>);
			for (const [k, x] of Object.entries(v)) slots.push({ parent: v as Record<string, unknown>, key: k }), walk(x);
		}
	};
	walk(doc);
	const kind = rand();
	if (kind < 0.25 && spans.length) {
		// Rewire a parent link: self-parent, a cycle, or a dangling id.
		const s = pick(spans);
		s.parentSpanId = pick([s.spanId, ...ids, "ffffffffffffffff", ""]);
		return;
	}
	if (!slots.length) return;
	const { parent, key } = pick(slots);
	const get = () => (parent as Record<string | number, unknown>)[key];
	const set = (v: unknown) => ((parent as Record<string | number, unknown>)[key] = v);
	if (kind < 0.7) set(junk());
	else if (kind < 0.8) Array.isArray(parent) ? parent.splice(key as number, 1) : delete (parent as Record<string, unknown>)[key as string];
	else if (kind < 0.9) set([get()]);
	else if (Array.isArray(parent)) parent.push(structuredClone(get()));
	else set({ value: get() });
}

function mulberry32(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** A protobuf encoder of the JSON shape (the fields used here), to corrupt. */
function encodeRequest(req: ExportTraceRequest): Uint8Array {
	const te = new TextEncoder();
	const field = (no: number, bytes: number[]) => [...varint((no << 3) | 2), ...varint(bytes.length), ...bytes];
	const str = (no: number, s: string) => field(no, Array.from(te.encode(s)));
	const hex = (no: number, h: string) =>
		field(
			no,
			h.match(/../g)!.map((b) => parseInt(b, 16)),
		);
	const fixed64 = (no: number, v: string | number) => {
		const out = [...varint((no << 3) | 1)];
		let x = BigInt(v);
		for (let i = 0; i < 8; i++, x >>= 8n) out.push(Number(x & 0xffn));
		return out;
	};
	const anyValue = (v: { stringValue?: string; intValue?: string | number }) =>
		v.stringValue !== undefined ? str(1, v.stringValue) : [...varint(3 << 3), ...varint(Number(v.intValue))];
	const kv = (no: number, a: { key: string; value?: object }) => field(no, [...str(1, a.key), ...field(2, anyValue(a.value as { stringValue?: string }))]);
	const span = (s: NonNullable<NonNullable<NonNullable<ExportTraceRequest["resourceSpans"]>[number]["scopeSpans"]>[number]["spans"]>[number]) => [
		...hex(1, s.traceId),
		...hex(2, s.spanId),
		...(s.parentSpanId ? hex(4, s.parentSpanId) : []),
		...str(5, s.name),
		...(s.startTimeUnixNano ? fixed64(7, s.startTimeUnixNano) : []),
		...(s.endTimeUnixNano ? fixed64(8, s.endTimeUnixNano) : []),
		...(s.attributes ?? []).flatMap((a) => kv(9, a)),
		...(s.events ?? []).flatMap((e) =>
			field(11, [...(e.timeUnixNano ? fixed64(1, e.timeUnixNano) : []), ...str(2, e.name), ...(e.attributes ?? []).flatMap((a) => kv(3, a))]),
		),
		...(s.status ? field(15, [...(s.status.message ? str(2, s.status.message) : []), ...varint(3 << 3), ...varint(s.status.code ?? 0)]) : []),
	];
	const bytes = (req.resourceSpans ?? []).flatMap((rs) =>
		field(1, [
			...(rs.resource
				? field(
						1,
						(rs.resource.attributes ?? []).flatMap((a) => kv(1, a)),
					)
				: []),
			...(rs.scopeSpans ?? []).flatMap((ss) => field(2, [...str(1, ""), ...(ss.spans ?? []).flatMap((s) => field(2, span(s)))])),
		]),
	);
	return new Uint8Array(bytes);
}
