import { z } from "zod";
import { fieldErrors, type FieldError } from "../api-errors";
import { mapGenAiSpans, type SpanMapping } from "./genai-spans";
import type { AnyValue, ExportTraceRequest, KeyValue, OtlpSpan } from "./otlp-types";

/**
 * Validation of an OTLP trace export (OTLP/JSON, or the same shape decoded from protobuf) before
 * any of it is read. The envelope (resourceSpans → resource / scopeSpans → spans) must be well
 * formed, else the whole request is refused naming the field; each span is then checked on its own,
 * so one malformed span is rejected (named by its path) without costing its siblings.
 *
 * Follows the protobuf JSON mapping where it is lenient: `null` means "absent", 64-bit integers may
 * be numbers or decimal strings, enums may be numbers or their names.
 */

/** Nesting deeper than this (the envelope takes ~12 levels) is refused before any recursive read. */
export const MAX_OTLP_DEPTH = 64;
/** At most this many field errors are reported; a body of 10,000 broken spans answers with the first few. */
const MAX_REPORTED_ERRORS = 20;

/** Absent in the protobuf JSON mapping: missing or null. */
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => (v === null ? undefined : v));

/** Non-negative 64-bit nanoseconds: an integer or a decimal string of one; normalized to a string. */
const nanos = z
	.union(
		[
			z.string().regex(/^\d{1,20}$/, "must be a whole number of nanoseconds"),
			z
				.number()
				.nonnegative("must not be negative")
				.refine((n) => Number.isInteger(n) && n < 2 ** 64, "must be a whole number of nanoseconds"),
		],
		{ error: "must be a whole number of nanoseconds (a number or a decimal string)" },
	)
	.transform((v) => (typeof v === "string" ? v.replace(/^0+(?=\d)/, "") : BigInt(v).toString()));

const int64 = z.union([z.string().regex(/^-?\d{1,20}$/, "must be an integer"), z.number().refine(Number.isInteger, "must be an integer")], {
	error: "must be an integer (a number or a decimal string)",
});

const double = z
	.union([z.number(), z.string().regex(/^(-?Infinity|NaN|-?\d+(\.\d+)?([eE][-+]?\d+)?)$/, "must be a number")], { error: "must be a number" })
	.transform(Number);

const enumValue = (names: Record<string, number>) =>
	z.union([z.number().int("must be an integer"), z.string()], { error: "must be a number or an enum name" }).transform((v, ctx) => {
		if (typeof v === "number") return v;
		const n = names[v];
		if (n === undefined) {
			ctx.addIssue({ code: "custom", message: `must be one of ${Object.keys(names).join(", ")} or a number` });
			return z.NEVER;
		}
		return n;
	});

const STATUS_CODES = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const SPAN_KINDS = { SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5 };

const objectError = { error: "must be an object" };
const arrayError = { error: "must be an array" };
const stringError = { error: "must be a string" };

export const anyValueSchema: z.ZodType<AnyValue, unknown> = z.lazy(() =>
	z.object(
		{
			stringValue: opt(z.string(stringError)),
			boolValue: opt(z.boolean({ error: "must be a boolean" })),
			intValue: opt(int64),
			doubleValue: opt(double),
			arrayValue: opt(z.object({ values: opt(z.array(anyValueSchema, arrayError)) }, objectError)),
			kvlistValue: opt(z.object({ values: opt(z.array(keyValueSchema, arrayError)) }, objectError)),
			bytesValue: opt(z.string(stringError)),
		},
		objectError,
	),
);

export const keyValueSchema: z.ZodType<KeyValue, unknown> = z.lazy(() =>
	z.object({ key: z.string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") }), value: opt(anyValueSchema) }, objectError),
);

const attributesSchema = opt(z.array(keyValueSchema, arrayError));

const id = (what: string) =>
	z
		.string({ error: (i) => (i.input === undefined || i.input === null ? `is required (the ${what})` : "must be a string") })
		.min(1, `must not be empty (the ${what})`)
		.max(64, "must be at most 64 characters");

export const spanSchema: z.ZodType<OtlpSpan, unknown> = z.object(
	{
		traceId: id("trace id"),
		spanId: id("span id"),
		parentSpanId: opt(z.string(stringError).max(64, "must be at most 64 characters")),
		// proto3 JSON leaves out empty strings: a span without a name has the name "".
		name: opt(z.string(stringError)).transform((v) => v ?? ""),
		kind: opt(enumValue(SPAN_KINDS)),
		// W3C trace flags and whether the parent is in another process (bits 8 and 9).
		flags: opt(z.number({ error: "must be a number" }).int("must be an integer").min(0, "must not be negative").max(0xffffffff, "must fit in 32 bits")),
		startTimeUnixNano: opt(nanos),
		endTimeUnixNano: opt(nanos),
		attributes: attributesSchema,
		events: opt(
			z.array(
				z.object({ name: opt(z.string(stringError)).transform((v) => v ?? ""), timeUnixNano: opt(nanos), attributes: attributesSchema }, objectError),
				arrayError,
			),
		),
		status: opt(z.object({ code: opt(enumValue(STATUS_CODES)), message: opt(z.string(stringError)) }, objectError)),
	},
	objectError,
);

/** The envelope; spans are checked one by one afterwards. */
const envelopeSchema = z.object(
	{
		resourceSpans: opt(
			z.array(
				z.object(
					{
						resource: opt(z.object({ attributes: attributesSchema }, objectError)),
						scopeSpans: opt(
							z.array(
								z.object(
									{
										scope: opt(z.object({ name: opt(z.string(stringError)), version: opt(z.string(stringError)) }, objectError)),
										spans: opt(z.array(z.unknown(), arrayError)),
									},
									objectError,
								),
								arrayError,
							),
						),
					},
					objectError,
				),
				arrayError,
			),
		),
	},
	{ error: "must be a JSON object (an OTLP ExportTraceServiceRequest)" },
);

export interface SpanProblem {
	/** `resourceSpans[0].scopeSpans[1].spans[2]` */
	path: string;
	spanId?: string;
	errors: FieldError[];
}

export type TraceRequestCheck =
	| {
			ok: true;
			request: ExportTraceRequest;
			spanProblems: SpanProblem[];
			/** Attributes kept out but not worth a span: a value of a type this receiver doesn't know (OTLP: unknown fields are ignored). */
			warnings: FieldError[];
			spans: number;
			pathOf: (span: OtlpSpan) => string | undefined;
	  }
	| { ok: false; errors: FieldError[] };

/** The path of the first value nested deeper than `max` levels, found without recursion. */
export function tooDeep(value: unknown, max: number): string | undefined {
	const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: "" }];
	while (stack.length) {
		const { v, depth, path } = stack.pop()!;
		if (!v || typeof v !== "object") continue;
		if (depth >= max) return path || "body";
		if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: `${path}[${i}]` }));
		else for (const [k, x] of Object.entries(v)) stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
	}
	return undefined;
}

/**
 * Checks a parsed OTLP body (JSON.parse output or the protobuf decoder's). Never throws:
 * either the request with its malformed spans set aside, or field-named errors for the envelope.
 */
export function checkTraceRequest(body: unknown): TraceRequestCheck {
	const deep = tooDeep(body, MAX_OTLP_DEPTH);
	if (deep) return { ok: false, errors: [{ field: deep, message: `is nested more than ${MAX_OTLP_DEPTH} levels deep` }] };
	const envelope = envelopeSchema.safeParse(body, { reportInput: true });
	if (!envelope.success) return { ok: false, errors: fieldErrors(envelope.error).slice(0, MAX_REPORTED_ERRORS) };
	const spanProblems: SpanProblem[] = [];
	const warnings: FieldError[] = [];
	const paths = new Map<OtlpSpan, string>();
	let spans = 0;
	const request: ExportTraceRequest = {
		resourceSpans: (envelope.data.resourceSpans ?? []).map((rs, i) => ({
			resource: rs.resource ? { attributes: rs.resource.attributes } : undefined,
			scopeSpans: (rs.scopeSpans ?? []).map((ss, j) => ({
				scope: ss.scope,
				spans: (ss.spans ?? []).flatMap((raw, k) => {
					spans++;
					const path = `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`;
					const parsed = spanSchema.safeParse(raw, { reportInput: true });
					if (parsed.success) {
						warnings.push(...unknownValueTypes(raw, path));
						paths.set(parsed.data, path);
						return [parsed.data];
					}
					const rawId = raw && typeof raw === "object" ? (raw as { spanId?: unknown }).spanId : undefined;
					spanProblems.push({ path, spanId: typeof rawId === "string" ? rawId : undefined, errors: fieldErrors(parsed.error, path) });
					return [];
				}),
			})),
		})),
	};
	return { ok: true, request, spanProblems, warnings: warnings.slice(0, MAX_REPORTED_ERRORS), spans, pathOf: (span) => paths.get(span) };
}

const VALUE_TYPES = new Set(["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"]);

/** A span attribute whose value has none of the types above (a newer OTLP, or a mistake): named, then ignored. */
function unknownValueTypes(raw: unknown, path: string): FieldError[] {
	const attrs = (raw as { attributes?: unknown }).attributes;
	if (!Array.isArray(attrs)) return [];
	return attrs.flatMap((kv, i) => {
		const value = (kv as { value?: unknown } | null)?.value;
		if (!value || typeof value !== "object") return [];
		const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== null);
		if (keys.length === 0 || keys.some((k) => VALUE_TYPES.has(k))) return [];
		return [{ field: `${path}.attributes[${i}].value`, message: `has no known type (${keys.slice(0, 3).join(", ")}): the attribute was ignored` }];
	});
}

export type TraceExportResult =
	| { ok: true; request: ExportTraceRequest; mapping: SpanMapping; spanProblems: SpanProblem[]; warnings: FieldError[]; spans: number }
	| { ok: false; errors: FieldError[] };

/** A parsed body (JSON, or the protobuf decoder's output) → events, malformed spans set aside; or the envelope's field errors. */
export function readTraceExport(body: unknown): TraceExportResult {
	const checked = checkTraceRequest(body);
	if (!checked.ok) return checked;
	return {
		ok: true,
		request: checked.request,
		mapping: mapGenAiSpans(checked.request, checked.pathOf),
		spanProblems: checked.spanProblems,
		warnings: checked.warnings,
		spans: checked.spans,
	};
}
