import fc from "fast-check";

/**
 * Bodies for the write endpoints, generated with fast-check: valid ones that follow
 * core/ingest-schemas.ts, the same structurally mutated (wrong types, nulls, huge strings, deep
 * nesting, lone surrogates, extra fields, out-of-range numbers and dates), and raw junk. Ids of valid
 * items are stamped afterwards from a counter, so every event the soak expects stored is unique and
 * recognisable (`<prefix>_<n>`), and never looks like personal data (which would be hashed).
 */

export type CaseKind = "valid" | "mutated" | "junk";

export interface WriteCase {
	kind: CaseKind;
	body: string | Uint8Array;
	contentType: string | null;
	/** Event ids the soak generated, by item index (traces: by span); accepted ones must be stored once. */
	ids: (string | null)[];
}

const NOW = Date.now();
const DAY = 86_400_000;

const safeText = (max: number) => fc.string({ unit: "grapheme", maxLength: max });
const anyText = fc.oneof(
	fc.string({ unit: "binary", maxLength: 40 }),
	fc.constantFrom("\uD800", "\uDFFF", "a\uD83D", "\u0000", "\u202E rtl", "Robert'); DROP TABLE events;--", "%_\\", "${jndi:x}", "<script>", "😀".repeat(30)),
);
const propertyValue = fc.oneof(safeText(40), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
const properties = fc.dictionary(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 20 }), propertyValue, { maxKeys: 6 });
const timestamp = fc.oneof(
	fc.constant(undefined),
	fc.integer({ min: NOW - 300 * DAY, max: NOW }),
	fc.integer({ min: NOW - 300 * DAY, max: NOW }).map((ms) => new Date(ms).toISOString()),
);
const toolCall = fc.record(
	{
		name: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0),
		input: fc.jsonValue({ maxDepth: 2 }),
		output: fc.option(safeText(200), { nil: null }),
		error: fc.option(safeText(100), { nil: null }),
		duration_ms: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: null }),
	},
	{ requiredKeys: ["name"] },
);
const attachment = fc.record(
	{
		type: fc.constantFrom("text", "image", "iframe", "code", "file", "url"),
		name: safeText(40),
		role: fc.constantFrom("input", "output"),
		value: safeText(200),
	},
	{ requiredKeys: ["type", "value"] },
);

export const validEvent = fc.record(
	{
		timestamp,
		convo_id: fc.constantFrom("c1", "c2", "c3", "conv_soak"),
		event: fc.constantFrom("chat_message", "ai_interaction", "completion"),
		model: fc.constantFrom("gpt-4o", "claude-sonnet", "llama-3"),
		input: safeText(300),
		output: safeText(300),
		properties,
		tool_calls: fc.array(toolCall, { maxLength: 3 }),
		attachments: fc.array(attachment, { maxLength: 2 }),
	},
	{ requiredKeys: [] },
);
const validSignal = fc.record(
	{
		signal: fc.constantFrom("thumbs_up", "thumbs_down", "regenerate", "copy", "custom:too_long", "edit"),
		timestamp,
		comment: safeText(200),
		properties,
	},
	{ requiredKeys: ["signal"] },
);
const validTraits = fc.dictionary(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 20 }), fc.oneof(propertyValue, fc.constant(null)), {
	maxKeys: 8,
});

/** A value that breaks a field: each is something a buggy client really sends. */
const breaking: fc.Arbitrary<unknown> = fc.oneof(
	fc.constant(null),
	fc.constant(""),
	fc.constant("   "),
	fc.integer(),
	fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 1e308, -1e308, 8.64e15 + 1, 1.5, 0),
	fc.boolean(),
	fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
	fc.object({ maxDepth: 1 }),
	anyText,
	fc.constantFrom("x".repeat(201), "y".repeat(50_001), "z".repeat(120_000)),
	fc.constantFrom("2026-13-45T99:00:00Z", "yesterday", "1e400", "NaN", "0001-01-01T00:00:00Z", "+275760-09-13T00:00:01Z", "9999-12-31T23:59:59Z"),
	fc.integer({ min: 1, max: 60 }).map((depth) => deepNest(depth * 10)),
);

function deepNest(depth: number): unknown {
	let v: unknown = "bottom";
	for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
	return v;
}

/** Replaces, removes or adds one field of `item`, or adds unknown fields. */
const mutation = fc.record({ op: fc.constantFrom("replace", "delete", "extra", "replace2"), pick: fc.nat(), value: breaking, value2: breaking });

function mutate(item: Record<string, unknown>, fields: string[], m: { op: string; pick: number; value: unknown; value2: unknown }): Record<string, unknown> {
	const out: Record<string, unknown> = { ...item };
	const field = fields[m.pick % fields.length]!;
	if (m.op === "delete") delete out[field];
	else if (m.op === "extra") out[`unknown_${m.pick % 7}`] = m.value;
	else {
		out[field] = m.value;
		if (m.op === "replace2") out[fields[(m.pick + 1) % fields.length]!] = m.value2;
	}
	return out;
}

const junk: fc.Arbitrary<{ body: string | Uint8Array; contentType: string | null }> = fc.oneof(
	fc.record({
		body: fc.string({ unit: "binary", maxLength: 300 }),
		contentType: fc.constantFrom("application/json", "text/plain", null, "application/x-www-form-urlencoded"),
	}),
	fc.record({
		body: fc.constantFrom(
			"",
			"{",
			"[]",
			"null",
			"0",
			'"events"',
			"{}",
			'{"events":{}}',
			'{"events":null}',
			"\uFEFF{}",
			'{"events":[' + "{},".repeat(5) + "{}]}",
		),
		contentType: fc.constantFrom("application/json", null),
	}),
	fc.record({ body: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null"), contentType: fc.constant("application/json") }),
	fc.record({ body: fc.uint8Array({ maxLength: 400 }), contentType: fc.constantFrom("application/json", "application/octet-stream") }),
	fc.constant({
		body: JSON.stringify({ events: Array.from({ length: 101 }, (_, i) => ({ event_id: `over_${i}`, user_id: "u" })) }),
		contentType: "application/json",
	}),
	fc.constant({ body: JSON.stringify({ events: [{ event_id: "big", user_id: "u", input: "x".repeat(1_100_000) }] }), contentType: "application/json" }),
);

interface Stamp {
	prefix: string;
	next: () => number;
	users: string[];
}

const pickUser = (stamp: Stamp, n: number) => stamp.users[n % stamp.users.length]!;

function batchCase<T extends Record<string, unknown>>(
	listName: string,
	item: fc.Arbitrary<T>,
	fields: string[],
	stampItem: (item: T, stamp: Stamp) => { value: Record<string, unknown>; id: string | null },
	stamp: Stamp,
): fc.Arbitrary<WriteCase> {
	const valid = fc.array(item, { minLength: 1, maxLength: 5 }).map((items): WriteCase => {
		const stamped = items.map((i) => stampItem(i, stamp));
		return { kind: "valid", body: JSON.stringify({ [listName]: stamped.map((s) => s.value) }), contentType: "application/json", ids: stamped.map((s) => s.id) };
	});
	const mutated = fc
		.tuple(
			fc.array(item, { minLength: 1, maxLength: 4 }),
			fc.array(fc.option(mutation, { freq: 2 }), { minLength: 4, maxLength: 4 }),
			fc.option(breaking, { freq: 6 }),
		)
		.map(([items, mutations, wholeList]): WriteCase => {
			const stamped = items.map((i) => stampItem(i, stamp));
			const values = stamped.map((s, i) => (mutations[i] ? mutate(s.value, fields, mutations[i]!) : s.value));
			// A mutated item whose id field was changed is not the soak's to find.
			const ids = stamped.map((s, i) => (values[i]![fields[0]!] === s.value[fields[0]!] ? s.id : null));
			const list: unknown = wholeList === null ? values : wholeList;
			return { kind: "mutated", body: safeStringify({ [listName]: list }), contentType: "application/json", ids: wholeList === null ? ids : [] };
		});
	return fc.oneof(
		{ weight: 5, arbitrary: valid },
		{ weight: 4, arbitrary: mutated },
		{ weight: 1, arbitrary: junk.map((j): WriteCase => ({ kind: "junk", ...j, ids: [] })) },
	);
}

/** JSON.stringify keeps lone surrogates as escapes; a BigInt or cycle from fc.anything becomes a string. */
function safeStringify(v: unknown): string {
	try {
		return JSON.stringify(v) ?? "null";
	} catch {
		return JSON.stringify(String(v));
	}
}

export function eventCases(stamp: Stamp): fc.Arbitrary<WriteCase> {
	return batchCase(
		"events",
		validEvent,
		["event_id", "user_id", "timestamp", "convo_id", "event", "model", "input", "output", "properties", "tool_calls", "attachments"],
		(e, s) => {
			const n = s.next();
			const id = `${s.prefix}_${n}`;
			return { value: { event_id: id, user_id: pickUser(s, n), ...e }, id };
		},
		stamp,
	);
}

export function signalCases(stamp: Stamp): fc.Arbitrary<WriteCase> {
	return batchCase(
		"signals",
		validSignal,
		["signal_id", "event_id", "signal", "timestamp", "user_id", "comment", "properties"],
		(sig, s) => {
			const n = s.next();
			const id = `${s.prefix}_${n}`;
			return { value: { signal_id: id, event_id: `${s.prefix}_evt_${n % 50}`, user_id: pickUser(s, n), ...sig }, id };
		},
		stamp,
	);
}

export function identifyCases(stamp: Stamp): fc.Arbitrary<WriteCase> {
	const valid = fc.record({ traits: validTraits, timestamp }).map(({ traits, timestamp: ts }): WriteCase => {
		const n = stamp.next();
		return {
			kind: "valid",
			body: JSON.stringify({ user_id: pickUser(stamp, n), traits, ...(ts === undefined ? {} : { timestamp: ts }) }),
			contentType: "application/json",
			ids: [],
		};
	});
	const mutated = fc.tuple(fc.record({ traits: validTraits, timestamp }), mutation).map(
		([v, m]): WriteCase => ({
			kind: "mutated",
			body: safeStringify(mutate({ user_id: pickUser(stamp, stamp.next()), ...v }, ["user_id", "traits", "timestamp"], m)),
			contentType: "application/json",
			ids: [],
		}),
	);
	return fc.oneof(
		{ weight: 5, arbitrary: valid },
		{ weight: 4, arbitrary: mutated },
		{ weight: 1, arbitrary: junk.map((j): WriteCase => ({ kind: "junk", ...j, ids: [] })) },
	);
}

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((a) => Buffer.from(a).toString("hex"));
const attr = (key: string, value: unknown) => ({ key, value: typeof value === "number" ? { intValue: String(value) } : { stringValue: String(value) } });

/** OTLP/JSON: valid exports of GenAI chat spans (one event each, id `otel_<trace16>_<span>`), mutated ones, junk, and protobuf bytes. */
export function traceCases(stamp: Stamp): fc.Arbitrary<WriteCase> {
	const span = fc.record({
		spanId: hex(8),
		input: safeText(200),
		output: safeText(200),
		model: fc.constantFrom("gpt-4o", "claude-sonnet"),
		offset: fc.integer({ min: 0, max: 200 * DAY }),
	});
	const exportOf = fc.record({ traceId: hex(16), spans: fc.uniqueArray(span, { minLength: 1, maxLength: 4, selector: (s) => s.spanId }) });
	const build = (traceId: string, spans: { spanId: string; input: string; output: string; model: string; offset: number }[]) => {
		const user = pickUser(stamp, stamp.next());
		return {
			resourceSpans: [
				{
					resource: { attributes: [attr("service.name", "soak")] },
					scopeSpans: [
						{
							scope: { name: "soak" },
							spans: spans.map((s) => {
								const start = (NOW - s.offset) * 1_000_000;
								return {
									traceId,
									spanId: s.spanId,
									name: "chat",
									kind: 3,
									startTimeUnixNano: String(start),
									endTimeUnixNano: String(start + 500_000_000),
									attributes: [
										attr("gen_ai.operation.name", "chat"),
										attr("gen_ai.request.model", s.model),
										attr("user.id", user),
										attr("gen_ai.prompt.0.content", s.input),
										attr("gen_ai.completion.0.content", s.output),
									],
									status: { code: 1 },
								};
							}),
						},
					],
				},
			],
		};
	};
	const valid = exportOf.map(
		({ traceId, spans }): WriteCase => ({
			kind: "valid",
			body: JSON.stringify(build(traceId, spans)),
			contentType: "application/json",
			ids: spans.map((s) => `otel_${traceId.slice(0, 16)}_${s.spanId}`),
		}),
	);
	const paths = [
		"resourceSpans",
		"resourceSpans.0.resource",
		"resourceSpans.0.scopeSpans",
		"resourceSpans.0.scopeSpans.0.spans",
		"resourceSpans.0.scopeSpans.0.spans.0.traceId",
		"resourceSpans.0.scopeSpans.0.spans.0.spanId",
		"resourceSpans.0.scopeSpans.0.spans.0.startTimeUnixNano",
		"resourceSpans.0.scopeSpans.0.spans.0.attributes",
		"resourceSpans.0.scopeSpans.0.spans.0.attributes.1.value",
		"resourceSpans.0.scopeSpans.0.spans.0.parentSpanId",
		"resourceSpans.0.scopeSpans.0.spans.0.events",
	];
	const mutated = fc.tuple(exportOf, fc.nat(), breaking).map(([{ traceId, spans }, pick, value]): WriteCase => {
		const doc = build(traceId, spans) as unknown as Record<string, unknown>;
		setPath(doc, paths[pick % paths.length]!.split("."), value);
		return { kind: "mutated", body: safeStringify(doc), contentType: "application/json", ids: [] };
	});
	const protobuf = fc.uint8Array({ maxLength: 600 }).map((bytes): WriteCase => ({ kind: "junk", body: bytes, contentType: "application/x-protobuf", ids: [] }));
	return fc.oneof(
		{ weight: 4, arbitrary: valid },
		{ weight: 3, arbitrary: mutated },
		{ weight: 2, arbitrary: protobuf },
		{ weight: 1, arbitrary: junk.map((j): WriteCase => ({ kind: "junk", ...j, ids: [] })) },
	);
}

function setPath(doc: Record<string, unknown>, path: string[], value: unknown): void {
	let node: unknown = doc;
	for (const key of path.slice(0, -1)) {
		if (node === null || typeof node !== "object") return;
		node = (node as Record<string, unknown>)[key];
	}
	if (node !== null && typeof node === "object") (node as Record<string, unknown>)[path.at(-1)!] = value;
}

export function sampleCases(arb: fc.Arbitrary<WriteCase>, count: number, seed: number): WriteCase[] {
	return fc.sample(arb, { numRuns: count, seed });
}

export function stampOf(prefix: string, users: string[]): Stamp {
	let n = 0;
	return { prefix, next: () => n++, users };
}
