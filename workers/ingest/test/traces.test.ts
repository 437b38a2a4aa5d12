import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { STORED_TEXT_CHARS } from "#core/event-bodies";
import { authed, countRows, seedProject, type TestProject } from "../../shared/test/seed-project";

let project: TestProject;
beforeEach(async () => {
	project = await seedProject();
});

const attr = (key: string, v: string | number) => ({ key, value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v } });
const TRACE = "5b8efff798038103d269b633813fc60c";

const exportBody = (spans: unknown[]) => ({
	resourceSpans: [{ resource: { attributes: [attr("service.name", "shop-assistant")] }, scopeSpans: [{ scope: { name: "test" }, spans }] }],
});
const chat = (spanId: string, extra: unknown[] = []) => ({
	traceId: TRACE,
	spanId,
	name: "chat gpt-4o",
	startTimeUnixNano: "1795300000000000000",
	endTimeUnixNano: "1795300001500000000",
	attributes: [
		attr("gen_ai.operation.name", "chat"),
		attr("gen_ai.request.model", "gpt-4o"),
		attr("user.id", "u1"),
		attr("gen_ai.input.messages", JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Export my contacts" }] }])),
		attr("gen_ai.output.messages", JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "I'm sorry, but I can't access your contacts." }] }])),
		...extra,
	],
});

const post = (body: unknown, key = project.writeKey, type = "application/json") =>
	SELF.fetch("https://ingest.test/v1/traces", {
		...authed(key, typeof body === "string" ? body : JSON.stringify(body), { headers: { "content-type": type } }),
		...(body instanceof Uint8Array ? { body } : {}),
	});

describe("POST /v1/traces (OTLP/HTTP JSON)", () => {
	it("stores GenAI spans as events with their tool calls, detected like any event", async () => {
		const tool = {
			traceId: TRACE,
			spanId: "00f067aa0ba902b8",
			parentSpanId: "00f067aa0ba902b7",
			name: "execute_tool contacts",
			attributes: [attr("gen_ai.operation.name", "execute_tool"), attr("gen_ai.tool.name", "read_contacts")],
			status: { code: 2, message: "permission denied" },
		};
		const res = await post(exportBody([chat("00f067aa0ba902b7"), tool, { traceId: TRACE, spanId: "00f067aa0ba902b9", name: "GET /" }]));
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ barometer: { events: 1, ignoredSpans: 1 } });
		const id = `otel_${TRACE.slice(0, 16)}_00f067aa0ba902b7`;
		await vi.waitFor(async () => expect(await countRows("detections", project.projectId, "event_id = ? AND signal = 'refusal'", id)).toBe(1), {
			timeout: 5000,
			interval: 50,
		});
		const row = await env.DB.prepare("SELECT user_id, model, input, timestamp, properties FROM events WHERE project_id = ? AND event_id = ?")
			.bind(project.projectId, id)
			.first<{ user_id: string; model: string; input: string; timestamp: number; properties: string }>();
		expect(row).toMatchObject({ user_id: "u1", model: "gpt-4o", input: "Export my contacts", timestamp: 1795300000000 });
		expect(JSON.parse(row!.properties)).toMatchObject({ service: "shop-assistant", duration_ms: 1500 });
		expect(await countRows("tool_calls", project.projectId, "event_id = ? AND name = 'read_contacts' AND error = 'permission denied'", id)).toBe(1);
	});

	it("an exporter's retry stores nothing twice", async () => {
		await post(exportBody([chat("1111111111111111")]));
		await post(exportBody([chat("1111111111111111")]));
		await vi.waitFor(async () => expect(await countRows("events", project.projectId)).toBe(1), { timeout: 5000, interval: 50 });
		await new Promise((r) => setTimeout(r, 300));
		expect(await countRows("events", project.projectId)).toBe(1);
	});

	it("answers 400 for a body that is not OTLP, 415 for another content type, 403 for a read key", async () => {
		const bad = await post("{not json");
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { error: { details: { field: string }[] } }).error.details[0]!.field).toBe("resourceSpans");
		expect((await post(exportBody([]), project.writeKey, "text/plain")).status).toBe(415);
		expect((await post(exportBody([chat("2222222222222222")]), project.readKey)).status).toBe(403);
		expect((await post({ resourceSpans: "nope" })).status).toBe(400);
	});

	it("shortens over-long span text instead of losing the span", async () => {
		const long = "x".repeat(60_000);
		const res = await post(
			exportBody(
				[chat("3333333333333333", [attr("gen_ai.completion", long)])].map((s) => ({
					...s,
					attributes: s.attributes.filter((a) => (a as { key: string }).key !== "gen_ai.output.messages"),
				})),
			),
		);
		expect(((await res.json()) as { barometer: { events: number } }).barometer.events).toBe(1);
		await vi.waitFor(async () => expect(await countRows("events", project.projectId)).toBe(1), { timeout: 5000, interval: 50 });
		// Stored through the real queue and consumer: D1 keeps its first 2,000 characters, R2 the whole text.
		const stored = await env.DB.prepare("SELECT length(output) AS chars, body_ref FROM events WHERE project_id = ?")
			.bind(project.projectId)
			.first<{ chars: number; body_ref: string | null }>();
		expect(stored!.chars).toBe(STORED_TEXT_CHARS);
		expect(stored!.body_ref).toMatch(/^bodies\/.+\.bin#0\+\d+#/);
	});
});

describe("POST /v1/traces: malformed and hostile bodies", () => {
	type ErrorBody = { error: { code: string; message: string; details: { field: string; message: string }[] } };
	const tool = (spanId: string, parentSpanId?: string) => ({
		traceId: TRACE,
		spanId,
		...(parentSpanId ? { parentSpanId } : {}),
		name: "execute_tool x",
		attributes: [attr("gen_ai.tool.name", "read_contacts")],
	});

	it("a tool span that is its own parent is answered (it froze the instance)", async () => {
		const res = await post(exportBody([tool("00f067aa0ba902b8", "00f067aa0ba902b8")]));
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ barometer: { events: 1, ignoredSpans: 0 } });
		const other = await post(
			exportBody([tool("aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"), tool("bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa"), chat("cccccccccccccccc", [])]),
		);
		expect(other.status).toBe(200);
	});

	it.each([
		[{ resourceSpans: [null] }, "resourceSpans[0]"],
		[{ resourceSpans: [{ scopeSpans: 0 }] }, "resourceSpans[0].scopeSpans"],
		[{ resourceSpans: [{ resource: { attributes: {} }, scopeSpans: [] }] }, "resourceSpans[0].resource.attributes"],
		[exportBody([{ ...tool("1111111111111111"), traceId: undefined }]), "resourceSpans[0].scopeSpans[0].spans[0].traceId"],
		[exportBody([{ ...chat("1111111111111111"), startTimeUnixNano: "1.5" }]), "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano"],
		[exportBody([{ ...chat("1111111111111111"), events: {} }]), "resourceSpans[0].scopeSpans[0].spans[0].events"],
		[exportBody([{ ...chat("1111111111111111"), attributes: [null] }]), "resourceSpans[0].scopeSpans[0].spans[0].attributes[0]"],
		[
			exportBody([{ traceId: TRACE, spanId: "1111111111111111", attributes: [attr("gen_ai.operation.name", "execute_tool")] }]),
			"resourceSpans[0].scopeSpans[0].spans[0].name",
		],
	])("answers 400 naming the field for %j", async (body, field) => {
		const res = await post(body);
		expect(res.status).toBe(400);
		const { error } = (await res.json()) as ErrorBody;
		expect(error.code).toBe("invalid_otlp");
		expect(error.details.map((d) => d.field)).toContain(field);
		expect(error.message).toContain(field);
	});

	it("a malformed span does not cost its valid sibling: 200 with partialSuccess naming the field", async () => {
		const res = await post(exportBody([{ ...chat("1111111111111111"), attributes: [null] }, chat("2222222222222222")]));
		expect(res.status).toBe(200);
		const body = (await res.json()) as { partialSuccess: { rejectedSpans: number; errorMessage: string }; barometer: { events: number } };
		expect(body.partialSuccess.rejectedSpans).toBe(1);
		expect(body.partialSuccess.errorMessage).toContain("resourceSpans[0].scopeSpans[0].spans[0].attributes[0]");
		expect(body.barometer.events).toBe(1);
		await vi.waitFor(async () => expect(await countRows("events", project.projectId)).toBe(1), { timeout: 5000, interval: 50 });
	});

	it("a 10 MB export is refused with 413 before it is read, JSON or protobuf", async () => {
		const big = "x".repeat(10 * 1024 * 1024);
		const json = await post(exportBody([chat("1111111111111111", [attr("filler", big)])]));
		expect(json.status).toBe(413);
		expect(((await json.json()) as ErrorBody).error.code).toBe("payload_too_large");
		const proto = await post(new TextEncoder().encode(big), project.writeKey, "application/x-protobuf");
		expect(proto.status).toBe(413);
	}, 30_000);

	const compress = async (bytes: Uint8Array, format: "gzip" | "deflate") =>
		new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer());
	const postEncoded = (body: Uint8Array, encoding: string, type = "application/json") =>
		SELF.fetch("https://ingest.test/v1/traces", {
			...authed(project.writeKey, "", { headers: { "content-type": type, "content-encoding": encoding } }),
			body,
		});

	it("takes gzip and deflate compressed exports (OTLP exporters' compression option), refusing other encodings and bombs", async () => {
		const json = new TextEncoder().encode(JSON.stringify(exportBody([chat("1111111111111111")])));
		const gz = await postEncoded(await compress(json, "gzip"), "gzip");
		expect(await gz.json()).toEqual({ barometer: { events: 1, ignoredSpans: 0 } });
		// Another trace (the same prompt in one trace would be one turn).
		const other = new TextEncoder().encode(JSON.stringify(exportBody([{ ...chat("2222222222222222"), traceId: "6".repeat(32) }])));
		const deflated = await postEncoded(await compress(other, "deflate"), "deflate");
		expect(await deflated.json()).toEqual({ barometer: { events: 1, ignoredSpans: 0 } });
		await vi.waitFor(async () => expect(await countRows("events", project.projectId)).toBe(2), { timeout: 5000, interval: 50 });
		const br = await postEncoded(json, "br");
		expect(br.status).toBe(415);
		expect(((await br.json()) as ErrorBody).error.details[0]!.field).toBe("content-encoding");
		const corrupt = await postEncoded(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), "gzip");
		expect(corrupt.status).toBe(400);
		expect(((await corrupt.json()) as ErrorBody).error.details[0]!.field).toBe("content-encoding");
		// 8 MiB of zeros is a few kilobytes compressed: refused once it unzips past the limit.
		const bomb = await compress(new Uint8Array(8 * 1024 * 1024), "gzip");
		expect(bomb.byteLength).toBeLessThan(100_000);
		expect((await postEncoded(bomb, "gzip")).status).toBe(413);
	}, 30_000);

	it("an attribute of an unknown type is named in partialSuccess and ignored; the span is kept", async () => {
		const res = await post(exportBody([chat("1111111111111111", [{ key: "future", value: { decimalValue: "1.5" } }])]));
		expect(res.status).toBe(200);
		const body = (await res.json()) as { partialSuccess: { rejectedSpans: number; errorMessage: string }; barometer: { events: number } };
		expect(body.partialSuccess.rejectedSpans).toBe(0);
		expect(body.partialSuccess.errorMessage).toContain("resourceSpans[0].scopeSpans[0].spans[0].attributes[5].value has no known type (decimalValue)");
		expect(body.barometer.events).toBe(1);
		await vi.waitFor(async () => expect(await countRows("events", project.projectId)).toBe(1), { timeout: 5000, interval: 50 });
	});

	it("answers 400 for truncated or garbage protobuf, naming where it broke", async () => {
		// resourceSpans[0].scopeSpans[0].spans[0] whose startTimeUnixNano (fixed64) is cut to 3 bytes
		const truncated = await post(new Uint8Array([0x0a, 8, 0x12, 6, 0x12, 4, 0x39, 1, 2, 3]), project.writeKey, "application/x-protobuf");
		expect(truncated.status).toBe(400);
		expect(((await truncated.json()) as ErrorBody).error.details[0]!.field).toBe("resourceSpans[0].scopeSpans[0].spans[0]");
		const garbage = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), project.writeKey, "application/x-protobuf");
		expect(garbage.status).toBe(400);
		const wrongType = await post(new Uint8Array([0x08, 0x01]), project.writeKey, "application/x-protobuf");
		expect(wrongType.status).toBe(400);
	});
});
