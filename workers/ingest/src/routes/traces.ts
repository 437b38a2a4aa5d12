import { Hono } from "hono";
import { validateBatchItems } from "#core/batch-validation";
import { aiEventSchema } from "#core/ingest-schemas";
import { LIMITS } from "#core/limits";
import { fitLimits } from "#core/otlp/fit-limits";
import type { ExportTraceRequest } from "#core/otlp/otlp-types";
import { partMatters, splitByTrace } from "#core/otlp/trace-parts";
import type { SpanMapping } from "#core/otlp/genai-spans";
import { decodeTraceRequest, encodeTraceResponse, OtlpDecodeError } from "#core/otlp/otlp-protobuf";
import { readTraceExport, type SpanProblem } from "#core/otlp/otlp-validate";
import type { FieldError } from "#core/api-errors";
import type { QueueMessage } from "#core/queue-messages";
import { ApiError } from "#shared/http/api-error";
import { acceptMessages } from "../accept-messages";
import { decodedBody } from "../decoded-body";
import type { IngestContext } from "../ingest-env";

/** OTLP exporters batch up to 512 spans; their bodies are larger than an events batch. */
const MAX_TRACE_BODY = 4 * LIMITS.bodyBytes;

const MAX_DETAILS = 20;
const summary = (details: FieldError[]) =>
	details
		.slice(0, 5)
		.map((d) => `${d.field} ${d.message}`)
		.join("; ");

/**
 * The body → checked spans → events. A body that cannot be read, or whose envelope
 * (resourceSpans / resource / scopeSpans) is malformed, is a 400 naming the field; a malformed span
 * is set aside (and reported) without costing the valid ones.
 */
function readExport(
	bytes: Uint8Array,
	protobuf: boolean,
): { request: ExportTraceRequest; mapped: SpanMapping; spanProblems: SpanProblem[]; warnings: FieldError[] } {
	let body: unknown;
	try {
		body = protobuf ? decodeTraceRequest(bytes) : JSON.parse(new TextDecoder().decode(bytes));
	} catch (err) {
		if (err instanceof OtlpDecodeError)
			throw new ApiError(400, "invalid_otlp", `The body is not an OTLP protobuf trace export: ${err.field} ${err.message}.`, [
				{ field: err.field, message: err.message },
			]);
		const what = protobuf ? "an OTLP protobuf trace export" : "JSON";
		throw new ApiError(400, "invalid_otlp", `The body is not ${what}: ${(err as Error).message}`, [{ field: "resourceSpans", message: "could not be read" }]);
	}
	const read = readTraceExport(body);
	if (!read.ok) throw new ApiError(400, "invalid_otlp", `The body is not an OTLP trace export: ${summary(read.errors)}`, read.errors.slice(0, MAX_DETAILS));
	return { request: read.request, mapped: read.mapping, spanProblems: read.spanProblems, warnings: read.warnings };
}

/**
 * OTLP/HTTP trace export (JSON or protobuf): GenAI spans become events and tool calls, so an app
 * instrumented with OpenTelemetry needs no Barometer SDK. The answer follows OTLP: 200 with
 * partial_success naming how many spans were rejected (and which fields), in the request's encoding;
 * 400 with the one error shape when nothing could be taken.
 */
export const traceRoutes = new Hono<IngestContext>().post("/", async (c) => {
	const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
	const protobuf = type === "application/x-protobuf" || type === "application/protobuf";
	if (!protobuf && type !== "application/json") {
		throw new ApiError(415, "unsupported_media_type", "Send OTLP as application/json or application/x-protobuf.", [
			{ field: "content-type", message: `is ${type || "missing"}` },
		]);
	}
	const declared = Number(c.req.header("content-length"));
	if (Number.isFinite(declared) && declared > MAX_TRACE_BODY)
		throw new ApiError(413, "payload_too_large", `An export must be at most ${MAX_TRACE_BODY} bytes.`);
	const bytes = await decodedBody(c.req.raw, MAX_TRACE_BODY);
	const { request, mapped, spanProblems, warnings } = readExport(bytes, protobuf);
	const { accepted, results } = validateBatchItems(mapped.events.map(fitLimits), aiEventSchema, {
		listName: "spans",
		idField: "event_id",
		maxItemBytes: LIMITS.eventBytes,
	});
	const details: FieldError[] = [
		...spanProblems.flatMap((p) => p.errors),
		...warnings,
		...mapped.rejected.map((r) => ({ field: r.field, message: r.reason })),
		// An event that fails the event schema is named by the span it came from.
		...results.flatMap((r) =>
			r.status === "rejected"
				? r.errors.map((e) => ({
						field: mapped.sources[r.index] ?? e.field,
						message: `${e.field.replace(/^spans\[\d+\]\.?/, "") || "the event"} ${e.message}`,
					}))
				: [],
		),
	];
	const rejectedSpans = spanProblems.length + mapped.rejected.length + (results.length - accepted.length);
	// No span could be taken (stored or knowingly ignored) and some were malformed: the export is invalid (OTLP: 400, not retried).
	if (accepted.length === 0 && mapped.ignoredSpans === 0 && rejectedSpans > 0) {
		throw new ApiError(400, "invalid_otlp", `None of the spans could be taken: ${summary(details)}`, details.slice(0, MAX_DETAILS));
	}
	// The spans go on per trace: the consumer joins a trace's parts until its turns are whole, then maps them
	// (the mapping above answers the exporter now, naming what it could not take).
	const receivedAt = Date.now();
	const projectId = c.get("projectId");
	await acceptMessages(
		c.env,
		projectId,
		splitByTrace(request)
			.filter((part) => partMatters(part.request))
			.map(
				(part): QueueMessage => ({
					v: 1,
					type: "otel_trace",
					project_id: projectId,
					received_at: receivedAt,
					trace_id: part.traceId,
					part_id: part.partId,
					spans: part.request,
				}),
			),
	);
	const message = summary(details);
	if (protobuf) return new Response(encodeTraceResponse(rejectedSpans, message), { status: 200, headers: { "content-type": "application/x-protobuf" } });
	return c.json({
		...(rejectedSpans || message ? { partialSuccess: { rejectedSpans, errorMessage: message } } : {}),
		barometer: { events: accepted.length, ignoredSpans: mapped.ignoredSpans },
	});
});
