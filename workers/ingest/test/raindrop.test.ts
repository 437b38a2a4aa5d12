import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { authed, countRows, seedProject, type TestProject } from "../../shared/test/seed-project";

let project: TestProject;
beforeEach(async () => {
	project = await seedProject();
});

// Bodies exactly as raindrop-ai@0.1.7 posts them (captured from the SDK; see e2e/raindrop.e2e.test.ts for the SDK itself).
const CONTEXT = { library: { name: "raindrop-ai", version: "0.1.7" }, metadata: { jsRuntime: "node", nodeVersion: "v24.21.0" } };
const now = () => new Date().toISOString();
const trackAi = (id: string, extra: Record<string, unknown> = {}) => ({
	event_id: id,
	event: "chat",
	properties: { plan: "pro", $context: CONTEXT },
	timestamp: now(),
	user_id: "u1",
	attachments: [{ value: "x = 1", role: "input", type: "code", language: "python" }],
	ai_data: { model: "gpt-4o", input: "Find flights to Rome", output: "Searching…", convo_id: "c1" },
	...extra,
});

const post = (path: string, body: unknown) => SELF.fetch(`https://ingest.test/v1/raindrop/${path}`, authed(project.writeKey, body));
const waitFor = (fn: () => Promise<void>) => vi.waitFor(fn, { timeout: 8000, interval: 50 });
const eventRow = (id: string) =>
	env.DB.prepare("SELECT user_id, convo_id, event, model, input, output, properties, attachments FROM events WHERE project_id = ? AND event_id = ?")
		.bind(project.projectId, id)
		.first<Record<"user_id" | "convo_id" | "event" | "model" | "input" | "output" | "properties" | "attachments", string>>();

describe("POST /v1/raindrop/events/track (trackAi)", () => {
	it("stores the SDK's batch as Barometer events: ai_data, properties (nested flattened) and attachments", async () => {
		const res = await post("events/track", [trackAi("rd_1"), trackAi("rd_2", { properties: { nested: { a: [1, 2] }, gone: null, $context: CONTEXT } })]);
		expect(res.status).toBe(202);
		expect(await res.json()).toMatchObject({ accepted: 2, rejected: 0 });
		await waitFor(async () => expect(await countRows("events", project.projectId)).toBe(2));
		const row = await eventRow("rd_1");
		expect(row).toMatchObject({ user_id: "u1", convo_id: "c1", event: "chat", model: "gpt-4o", input: "Find flights to Rome", output: "Searching…" });
		expect(JSON.parse(row!.properties)).toEqual({ plan: "pro", raindrop_sdk: "raindrop-ai@0.1.7" });
		expect(JSON.parse(row!.attachments)).toEqual([{ type: "code", role: "input", value: "x = 1" }]);
		expect(JSON.parse((await eventRow("rd_2"))!.properties)).toEqual({ nested: '{"a":[1,2]}', raindrop_sdk: "raindrop-ai@0.1.7" });
	});

	it("keeps the valid items of a batch and names the Raindrop field of the rejected one", async () => {
		const res = await post("events/track", [trackAi("ok_1"), trackAi("ok_2"), trackAi("bad", { ai_data: { input: 42 } })]);
		expect(res.status).toBe(207);
		const body = (await res.json()) as { accepted: number; results: { status: string; errors?: { field: string }[] }[] };
		expect(body.accepted).toBe(2);
		expect(body.results[2]!.errors!.map((e) => e.field)).toEqual(["events[2].ai_data.input"]);
		await waitFor(async () => expect(await countRows("events", project.projectId)).toBe(2));
	});

	it("answers 4xx, never 5xx, to malformed JSON, a 10 MB body, a non-array body and wrong types", async () => {
		const raw = await SELF.fetch("https://ingest.test/v1/raindrop/events/track", authed(project.writeKey, "[{not json"));
		expect(raw.status).toBe(400);
		expect(((await raw.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
		const huge = await post("events/track", [trackAi("huge", { ai_data: { input: "x".repeat(10 * 1024 * 1024) } })]);
		expect(huge.status).toBe(413);
		const object = await post("events/track", { events: [trackAi("x")] });
		expect(object.status).toBe(400);
		const wrong = await post("events/track", [
			trackAi("w", { user_id: 7, timestamp: "yesterday", attachments: [{ type: "video", value: "v", role: "input" }] }),
		]);
		expect(wrong.status).toBe(400);
		const fields = ((await wrong.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
		expect(fields).toEqual(expect.arrayContaining(["events[0].user_id", "events[0].timestamp", "events[0].attachments[0].type"]));
		for (const path of ["events/track_partial", "signals/track", "users/identify"]) {
			const res = await SELF.fetch(`https://ingest.test/v1/raindrop/${path}`, authed(project.writeKey, "{"));
			expect(res.status).toBe(400);
		}
	});

	it("stores a retried batch once and counts it once", async () => {
		const batch = [trackAi("retry_1")];
		expect((await post("events/track", batch)).status).toBe(202);
		expect((await post("events/track", batch)).status).toBe(202);
		await waitFor(async () => expect(await countRows("events", project.projectId)).toBe(1));
		await new Promise((r) => setTimeout(r, 300));
		const days = await env.DB.prepare("SELECT sum(events) AS n FROM event_days WHERE project_id = ?").bind(project.projectId).first<{ n: number }>();
		expect(days!.n).toBe(1);
	});
});

describe("POST /v1/raindrop/signals/track and users/identify", () => {
	it("maps feedback to thumbs_down with its comment, keeps a default signal by name, and stores a resent batch once", async () => {
		await post("events/track", [trackAi("sig_evt")]);
		const signals = [
			{ event_id: "sig_evt", signal_name: "thumbs_down", properties: { comment: "wrong airport" }, sentiment: "NEGATIVE", signal_type: "feedback" },
			{ event_id: "sig_evt", signal_name: "Copied Answer", properties: {}, signal_type: "default" },
		];
		expect((await post("signals/track", signals)).status).toBe(202);
		expect((await post("signals/track", signals)).status).toBe(202);
		await waitFor(async () => expect(await countRows("signals", project.projectId)).toBe(2));
		const { results } = await env.DB.prepare("SELECT signal, comment, user_id, properties FROM signals WHERE project_id = ? ORDER BY signal")
			.bind(project.projectId)
			.all<{ signal: string; comment: string | null; user_id: string; properties: string }>();
		expect(results.map((r) => [r.signal, r.comment])).toEqual([
			["copied_answer", null],
			["thumbs_down", "wrong airport"],
		]);
		expect(JSON.parse(results[1]!.properties)).toEqual({ raindrop_signal: "thumbs_down", raindrop_signal_type: "feedback", raindrop_sentiment: "NEGATIVE" });
		await waitFor(async () => expect(await countRows("signals", project.projectId, "user_id = 'u1'")).toBe(2));
	});

	it("rejects a signal without a name and a user with a wrong id type, naming the fields", async () => {
		const res = await post("signals/track", [{ event_id: "e", signal_name: "", signal_type: "default" }]);
		expect(res.status).toBe(400);
		expect(JSON.stringify(await res.json())).toContain("signals[0].signal_name");
		const user = await post("users/identify", [{ traits: { plan: "pro" }, user_id: 42 }]);
		expect(user.status).toBe(400);
		expect(JSON.stringify(await user.json())).toContain("users[0].user_id");
	});

	it("stores setUserDetails traits (nested ones as JSON text)", async () => {
		expect((await post("users/identify", [{ traits: { plan: "pro", seats: 3, org: { id: 9 } }, user_id: "u_traits" }])).status).toBe(202);
		await waitFor(async () => {
			const user = await env.DB.prepare("SELECT traits FROM users WHERE project_id = ? AND user_id = 'u_traits'")
				.bind(project.projectId)
				.first<{ traits: string }>();
			expect(JSON.parse(user!.traits)).toEqual({ plan: "pro", seats: 3, org: '{"id":9}' });
		});
	});
});

describe("POST /v1/raindrop/events/track_partial (begin … finish)", () => {
	const first = (id: string) => ({
		event_id: id,
		event: "agent",
		properties: { step: 1, $context: CONTEXT },
		timestamp: now(),
		user_id: "u1",
		attachments: [{ name: "doc", value: "itinerary", role: "output", type: "text" }],
		ai_data: { input: "Book a flight", model: "gpt-4o", convo_id: "c2" },
		is_pending: true,
	});
	const last = (id: string) => ({
		event_id: id,
		properties: { trace_id: "JXVCnVyC+lnWltiqsamXSw==", $context: CONTEXT },
		timestamp: now(),
		ai_data: { output: "I booked it" },
		is_pending: false,
	});

	it("merges the parts into one stored event; a resent part is merged once", async () => {
		const a = first("part_1");
		expect((await post("events/track_partial", a)).status).toBe(202);
		expect((await post("events/track_partial", a)).status).toBe(202);
		await waitFor(async () => expect(await countRows("pending_events", project.projectId)).toBe(1));
		expect(await countRows("events", project.projectId)).toBe(0);
		expect((await post("events/track_partial", last("part_1"))).status).toBe(202);
		await waitFor(async () => expect(await countRows("events", project.projectId)).toBe(1));
		const row = await eventRow("part_1");
		expect(row).toMatchObject({ user_id: "u1", convo_id: "c2", event: "agent", model: "gpt-4o", input: "Book a flight", output: "I booked it" });
		expect(JSON.parse(row!.properties)).toEqual({ step: 1, trace_id: "JXVCnVyC+lnWltiqsamXSw==", raindrop_sdk: "raindrop-ai@0.1.7" });
		expect(JSON.parse(row!.attachments)).toEqual([{ type: "text", name: "doc", role: "output", value: "itinerary" }]);
		const pending = await env.DB.prepare("SELECT parts, finalized_at FROM pending_events WHERE project_id = ?")
			.bind(project.projectId)
			.first<{ parts: string }>();
		expect(JSON.parse(pending!.parts)).toHaveLength(2);
	});

	it("dead-letters a part that arrives after its event was stored, with the reason", async () => {
		await post("events/track_partial", first("late_1"));
		await post("events/track_partial", last("late_1"));
		await waitFor(async () => expect(await countRows("events", project.projectId)).toBe(1));
		await post("events/track_partial", { event_id: "late_1", properties: { late: true }, timestamp: now(), is_pending: true });
		await waitFor(async () => expect(await countRows("dead_letters", project.projectId, "reason LIKE '%after the event was stored%'")).toBe(1));
	});

	it("dead-letters a finished event that never got a user_id", async () => {
		await post("events/track_partial", { event_id: "anon", ai_data: { input: "hi" }, timestamp: now(), is_pending: false });
		await waitFor(async () => expect(await countRows("dead_letters", project.projectId, "reason LIKE '%user_id: is required%'")).toBe(1));
		expect(await countRows("events", project.projectId)).toBe(0);
	});

	it("validates a part against an event's field limits, naming the field", async () => {
		const res = await post("events/track_partial", { event_id: "big", ai_data: { input: "x".repeat(60_000) }, is_pending: true });
		expect(res.status).toBe(400);
		expect(JSON.stringify(await res.json())).toContain('"ai_data.input"');
		const flag = await post("events/track_partial", { event_id: "f", is_pending: "no" });
		expect(flag.status).toBe(400);
		expect(JSON.stringify(await flag.json())).toContain('"is_pending"');
		const noId = await post("events/track_partial", { ai_data: { input: "x" } });
		expect(noId.status).toBe(400);
		expect(JSON.stringify(await noId.json())).toContain('"event_id"');
	});
});
