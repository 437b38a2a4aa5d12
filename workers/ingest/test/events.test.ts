import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { STORED_TOOL_CHARS } from "#core/event-bodies";
import { LIMITS } from "#core/limits";
import { EventBodyStore } from "#shared/adapters/event-body-store";
import { authed, countRows, seedProject, seedRevokedKey, type TestProject } from "../../shared/test/seed-project";

const URL_EVENTS = "https://ingest.test/v1/events";
let project: TestProject;
beforeEach(async () => {
	project = await seedProject();
});

const event = (id: string, extra: Record<string, unknown> = {}) => ({
	event_id: id,
	user_id: "user_1",
	convo_id: "convo_1",
	model: "gpt-4o",
	input: "How do I export my contacts?",
	output: "Open Settings → Export.",
	...extra,
});

async function post(body: unknown, key = project.writeKey) {
	return SELF.fetch(URL_EVENTS, authed(key, body));
}

/** Waits until the detect consumer, behind the real local queue, has stored the rows. */
async function waitForRows(table: string, n: number, where?: string, ...params: unknown[]) {
	await vi.waitFor(async () => expect(await countRows(table, project.projectId, where, ...params)).toBe(n), { timeout: 5000, interval: 50 });
}

describe("POST /v1/events: accepted batches", () => {
	it("delivers a valid event whose queue message would exceed the queue's 128 KB (escaping doubles it), and stores it whole (its long payloads in R2)", async () => {
		// 7 tool calls of 4,900 quotes: a 68,839-byte event (under the 100,000 limit), a ~138 KB JSON message.
		const quotes = '"'.repeat(4_900);
		const big = event("big", { tool_calls: Array.from({ length: 7 }, (_, i) => ({ name: `tool_${i}`, input: quotes })) });
		expect(new TextEncoder().encode(JSON.stringify(big)).byteLength).toBeLessThan(LIMITS.eventBytes);
		let parkedSeen = false;
		const watch = setInterval(async () => {
			if (Number(await env.DB.prepare("SELECT count(*) AS n FROM queued_payloads").first("n")) > 0) parkedSeen = true;
		}, 5);
		const res = await post({ events: [big, event("small")] });
		expect(res.status).toBe(202);
		if (Number(await env.DB.prepare("SELECT count(*) AS n FROM queued_payloads").first("n")) > 0) parkedSeen = true;
		await waitForRows("events", 2);
		clearInterval(watch);
		// D1 keeps the first 500 characters of each call's input; R2 has it whole.
		await waitForRows("tool_calls", 7, `event_id = 'big' AND length(input) = ${STORED_TOOL_CHARS} AND body_ref IS NOT NULL`);
		const refs = (await env.DB.prepare("SELECT body_ref FROM tool_calls WHERE event_id = 'big'").all<{ body_ref: string }>()).results.map((r) => r.body_ref);
		const whole = await new EventBodyStore((env as unknown as { BODIES: R2Bucket }).BODIES).get(refs);
		expect([...whole.values()].map((b) => b.input)).toEqual(Array.from({ length: 7 }, () => quotes));
		// It went through D1 (parked, then read back), and the parked body is gone once the event is stored.
		expect(parkedSeen).toBe(true);
		await vi.waitFor(async () => expect(await env.DB.prepare("SELECT count(*) AS n FROM queued_payloads").first("n")).toBe(0), { timeout: 5000, interval: 50 });
	}, 30_000);

	it("sends the same large event again as one event, overwriting its own parked body", async () => {
		const big = event("big2", { tool_calls: Array.from({ length: 7 }, (_, i) => ({ name: `tool_${i}`, input: '"'.repeat(4_900) })) });
		expect((await post({ events: [big] })).status).toBe(202);
		expect((await post({ events: [big] })).status).toBe(202);
		await waitForRows("events", 1, "event_id = 'big2'");
		await waitForRows("tool_calls", 7, "event_id = 'big2'");
		await vi.waitFor(async () => expect(await env.DB.prepare("SELECT count(*) AS n FROM queued_payloads").first("n")).toBe(0), { timeout: 5000, interval: 50 });
	}, 30_000);

	it("answers 202 with a result per item and stores events through the queue", async () => {
		const res = await post({
			events: [event("e1"), event("e2", { tool_calls: [{ name: "search", input: { q: "x" }, error: "timeout", duration_ms: 3000 }] })],
		});
		expect(res.status).toBe(202);
		expect(await res.json()).toEqual({
			accepted: 2,
			rejected: 0,
			results: [
				{ index: 0, id: "e1", status: "accepted" },
				{ index: 1, id: "e2", status: "accepted" },
			],
		});
		await waitForRows("events", 2);
		await waitForRows("tool_calls", 1, "name = 'search' AND error = 'timeout' AND input = '{\"q\":\"x\"}'");
		await waitForRows("conversations", 1, "convo_id = 'convo_1'");
		await waitForRows("users", 1, "user_id = 'user_1'");
	});

	it("stores a repeated event_id once, whether repeated in a batch or in a retried request", async () => {
		await post({ events: [event("dup"), event("dup")] });
		await post({ events: [event("dup")] });
		await post({ events: [event("other")] });
		await waitForRows("events", 2);
		expect(await countRows("events", project.projectId, "event_id = 'dup'")).toBe(1);
	});

	it("defaults a missing timestamp to the time of receipt and keeps a given one", async () => {
		const before = Date.now();
		await post({ events: [event("now"), event("then", { timestamp: "2026-01-02T03:04:05.000Z" })] });
		await waitForRows("events", 2);
		const rows = await env.DB.prepare("SELECT event_id, timestamp FROM events WHERE project_id = ? ORDER BY event_id")
			.bind(project.projectId)
			.all<{ event_id: string; timestamp: number }>();
		const byId = Object.fromEntries(rows.results.map((r) => [r.event_id, r.timestamp]));
		expect(byId.then).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
		expect(byId.now).toBeGreaterThanOrEqual(before);
	});

	it("stores a time hours ahead (a client clock running fast) as the time received, on today's day", async () => {
		const before = Date.now();
		const ahead = new Date(before + 9 * 3_600_000).toISOString();
		await post({ events: [event("fast_clock", { timestamp: ahead, user_id: "u_fast" })] });
		await waitForRows("events", 1);
		const row = await env.DB.prepare("SELECT timestamp FROM events WHERE project_id = ? AND event_id = 'fast_clock'")
			.bind(project.projectId)
			.first<{ timestamp: number }>();
		expect(row!.timestamp).toBeGreaterThanOrEqual(before);
		expect(row!.timestamp).toBeLessThanOrEqual(Date.now());
		// Counted on the day it was received, so "the last N days" up to today see it.
		const day = await env.DB.prepare("SELECT max(day) AS day FROM user_days WHERE project_id = ?").bind(project.projectId).first<{ day: number }>();
		expect(day!.day).toBe(Math.floor(row!.timestamp / 86_400_000));
	});
});

describe("POST /v1/events: detection", () => {
	it("detects signals on ingested events through the queue and the detect consumer", async () => {
		await post({
			events: [
				event("refused", { output: "I'm sorry, but I can't access your contacts." }),
				event("thanked", { input: "That worked, thanks!", output: "Glad to help." }),
			],
		});
		await waitForRows("detections", 1, "event_id = 'refused' AND signal = 'refusal' AND stage = 'rules'");
		await waitForRows("detections", 1, "event_id = 'thanked' AND signal = 'win'");
		expect(await countRows("user_signal_days", project.projectId, "signal = 'refusal' AND user_id = 'user_1'")).toBe(1);
	});
});

describe("POST /v1/events: invalid items", () => {
	it("accepts the valid items of a mixed batch with 207 and names each rejected field", async () => {
		const res = await post({
			events: [
				event("good"),
				event("bad_ts", { timestamp: "yesterday-ish" }),
				{ event_id: "no_user", input: "hi" },
				event("bad_prop", { properties: { plan: { nested: true } } }),
				event("bad_tool", { tool_calls: [{ input: "x" }] }),
			],
		});
		expect(res.status).toBe(207);
		const body = (await res.json()) as { accepted: number; rejected: number; results: { id?: string; status: string; errors?: { field: string }[] }[] };
		expect(body.accepted).toBe(1);
		expect(body.rejected).toBe(4);
		const fields = body.results.map((r) => r.errors?.map((e) => e.field) ?? []);
		expect(fields[0]).toEqual([]);
		expect(fields[1]).toEqual(["events[1].timestamp"]);
		expect(fields[2]).toEqual(["events[2].user_id"]);
		expect(fields[3]).toEqual(["events[3].properties.plan"]);
		expect(fields[4]).toEqual(["events[4].tool_calls[0].name"]);
		await waitForRows("events", 1, "event_id = 'good'");
	});

	it("rejects an item over the per-event byte limit and keeps the rest", async () => {
		// Every field is within its own limit; together they exceed the per-event limit.
		const huge = event("huge", {
			properties: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, "x".repeat(999)])),
			input: "w".repeat(40_000),
			output: "y".repeat(40_000),
		});
		const res = await post({ events: [huge, event("small")] });
		expect(res.status).toBe(207);
		const body = (await res.json()) as { results: { status: string; errors?: { field: string; message: string }[] }[] };
		expect(body.results[0]!.errors![0]!.field).toBe("events[0]");
		expect(body.results[0]!.errors![0]!.message).toContain(`${LIMITS.eventBytes} bytes`);
		await waitForRows("events", 1, "event_id = 'small'");
	});

	it("answers 400 with every field error when no item is valid", async () => {
		const res = await post({
			events: [
				{ event_id: "", user_id: "u" },
				{ event_id: "x", user_id: 42 },
			],
		});
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: { code: string; details: { field: string }[] } };
		expect(body.error.code).toBe("invalid_batch");
		expect(body.error.details.map((d) => d.field)).toEqual(["events[0].event_id", "events[1].user_id"]);
	});

	it("answers 400 invalid_json for a body that is not JSON", async () => {
		const res = await post("{ not json");
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
	});

	it("answers 400 naming `events` when the list is missing or empty", async () => {
		for (const body of [{ event: event("x") }, [event("x")], { events: [] }]) {
			const res = await post(body);
			expect(res.status).toBe(400);
			const json = (await res.json()) as { error: { details: { field: string }[] } };
			expect(json.error.details[0]!.field).toBe("events");
		}
	});

	it("answers 413 for more events than a batch may hold, storing none", async () => {
		const res = await post({ events: Array.from({ length: LIMITS.eventsPerBatch + 1 }, (_, i) => event(`e${i}`)) });
		expect(res.status).toBe(413);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe("batch_too_large");
	});

	it("answers 413 for a body over the byte limit", async () => {
		const big = JSON.stringify({ events: [event("a", { output: "z".repeat(LIMITS.bodyBytes) })] });
		const res = await post(big);
		expect(res.status).toBe(413);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
	});
});

describe("POST /v1/events: keys", () => {
	it("answers 401 without a key", async () => {
		const res = await SELF.fetch(URL_EVENTS, { method: "POST", body: JSON.stringify({ events: [event("x")] }) });
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({ error: { code: "missing_api_key" } });
	});

	it("answers 401 for an unknown key and for a revoked key", async () => {
		expect((await post({ events: [event("x")] }, "bm_write_notarealkey000000000000000")).status).toBe(401);
		const revoked = await seedRevokedKey(project.projectId, "write");
		const res = await post({ events: [event("x")] }, revoked);
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_api_key" } });
	});

	it("answers 403 for a read key: read keys cannot ingest", async () => {
		const res = await post({ events: [event("x")] }, project.readKey);
		expect(res.status).toBe(403);
		expect(await res.json()).toMatchObject({ error: { code: "wrong_key_kind" } });
	});

	it("stores events under the key's own project only", async () => {
		const other = await seedProject("Other");
		await post({ events: [event("mine")] }, other.writeKey);
		await vi.waitFor(async () => expect(await countRows("events", other.projectId)).toBe(1), { timeout: 5000 });
		expect(await countRows("events", project.projectId)).toBe(0);
	});
});

describe("ingest edges", () => {
	it("answers unknown routes with the error shape", async () => {
		const res = await SELF.fetch("https://ingest.test/v1/nope", authed(project.writeKey, {}));
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
	});

	it("answers CORS preflight so browser apps can send events", async () => {
		const res = await SELF.fetch(URL_EVENTS, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
		expect(res.status).toBe(204);
		expect(res.headers.get("access-control-allow-origin")).toBe("*");
	});
});
