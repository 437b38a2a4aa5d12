import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { EventDetail, EventPage } from "#core/api/events";
import { authed, seedProject, seedRevokedKey, type TestProject } from "../../shared/test/seed-project";
import { ev, sig, store } from "./seed-events";

const T0 = Date.UTC(2026, 9, 1, 12);
const MIN = 60_000;
let project: TestProject;

beforeEach(async () => {
	project = await seedProject();
	await store([
		ev(project.projectId, "e1", T0, {
			user_id: "alice",
			convo_id: "c1",
			model: "gpt-4o",
			input: "Export my contacts",
			output: "I can't access contacts.",
			properties: { plan: "pro", seats: 5, beta: true },
		}),
		ev(project.projectId, "e2", T0 + MIN, {
			user_id: "alice",
			convo_id: "c1",
			model: "gpt-4o",
			input: "Why not? 100% sure you can",
			output: "Sorry.",
			properties: { plan: "pro" },
		}),
		ev(project.projectId, "e3", T0 + 2 * MIN, {
			user_id: "bob",
			convo_id: "c2",
			model: "claude-3",
			input: "Write a haiku",
			output: "Leaves fall...",
			properties: { plan: "free" },
			tool_calls: [{ name: "search", input: '{"q":"haiku"}', output: null, error: "timeout", duration_ms: 3000 }],
		}),
		sig(project.projectId, "e1", "thumbs_down", { comment: "useless" }),
	]);
});

async function list(query = "", key = project.readKey) {
	const res = await SELF.fetch(`https://api.test/api/events${query}`, authed(key));
	return { res, body: (await res.json()) as EventPage & { error?: { code: string; details?: { field: string }[] } } };
}
const ids = (page: EventPage) => page.data.map((e) => e.event_id);

describe("GET /api/events", () => {
	it("lists the project's events newest first, with their signals", async () => {
		const { res, body } = await list();
		expect(res.status).toBe(200);
		expect(ids(body)).toEqual(["e3", "e2", "e1"]);
		expect(body.data[2]!.signals.map((s) => [s.signal, s.comment, s.user_id])).toEqual([["thumbs_down", "useless", "alice"]]);
		expect(body.data[0]).toMatchObject({
			timestamp: new Date(T0 + 2 * MIN).toISOString(),
			model: "claude-3",
			tool_call_count: 1,
			properties: { plan: "free" },
		});
		expect(body.next_cursor).toBeNull();
	});

	it("pages with a cursor, without gaps or repeats", async () => {
		const seen: string[] = [];
		let cursor: string | null = "";
		while (cursor !== null) {
			const { body } = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
			seen.push(...ids(body));
			cursor = body.next_cursor;
		}
		expect(seen).toEqual(["e3", "e2", "e1"]);
	});

	it("filters by user, conversation, model and time range", async () => {
		expect(ids((await list("?user_id=alice")).body)).toEqual(["e2", "e1"]);
		expect(ids((await list("?convo_id=c2")).body)).toEqual(["e3"]);
		expect(ids((await list("?model=gpt-4o")).body)).toEqual(["e2", "e1"]);
		const from = new Date(T0 + MIN).toISOString();
		expect(ids((await list(`?from=${from}&to=${T0 + 2 * MIN}`)).body)).toEqual(["e2"]);
	});

	it("filters by a property, matching strings, numbers and booleans", async () => {
		expect(ids((await list("?property.plan=pro")).body)).toEqual(["e2", "e1"]);
		expect(ids((await list("?property.seats=5")).body)).toEqual(["e1"]);
		expect(ids((await list("?property.beta=true")).body)).toEqual(["e1"]);
		expect(ids((await list("?property.plan=pro&user_id=bob")).body)).toEqual([]);
	});

	it("finds text in input or output, case-insensitively, with % taken literally", async () => {
		expect(ids((await list("?q=CONTACTS")).body)).toEqual(["e1"]);
		expect(ids((await list("?q=leaves")).body)).toEqual(["e3"]);
		expect(ids((await list(`?q=${encodeURIComponent("100%")}`)).body)).toEqual(["e2"]);
		expect(ids((await list(`?q=${encodeURIComponent("1%0")}`)).body)).toEqual([]);
	});

	it("answers 400 naming each bad parameter", async () => {
		const { res, body } = await list("?limit=0&from=someday&cursor=zzz&property.bad key=1");
		expect(res.status).toBe(400);
		expect(body.error!.code).toBe("invalid_query");
		expect(body.error!.details!.map((d) => d.field).sort()).toEqual(["cursor", "from", "limit", "property.bad key"]);
	});
});

describe("GET /api/events/:id", () => {
	it("returns the event with its signals and tool calls", async () => {
		const res = await SELF.fetch("https://api.test/api/events/e3", authed(project.readKey));
		expect(res.status).toBe(200);
		const { data } = (await res.json()) as { data: EventDetail };
		expect(data.tool_calls).toEqual([
			{ index: 0, name: "search", input: '{"q":"haiku"}', output: null, truncated: false, error: "timeout", duration_ms: 3000 },
		]);
		expect(data.user_id).toBe("bob");
	});

	it("answers 404 for an unknown event, saying when signals wait for it", async () => {
		await store([sig(project.projectId, "future", "thumbs_up")]);
		const res = await SELF.fetch("https://api.test/api/events/future", authed(project.readKey));
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: { code: "event_not_found", message: expect.stringContaining("1 signal(s) wait") } });
	});
});

describe("read API: keys and projects", () => {
	it("never shows one project's events to another project's key", async () => {
		const other = await seedProject("Other");
		expect(ids((await list("", other.readKey)).body)).toEqual([]);
		const res = await SELF.fetch("https://api.test/api/events/e1", authed(other.readKey));
		expect(res.status).toBe(404);
		const convo = await SELF.fetch("https://api.test/api/conversations/c1", authed(other.readKey));
		expect(convo.status).toBe(404);
	});

	it("answers 401 without a key, with a malformed header, and with an unknown or revoked key", async () => {
		expect((await SELF.fetch("https://api.test/api/events")).status).toBe(401);
		expect((await SELF.fetch("https://api.test/api/events", { headers: { authorization: project.readKey } })).status).toBe(401);
		expect((await list("", "bm_read_unknown000000000000000000")).res.status).toBe(401);
		expect((await list("", await seedRevokedKey(project.projectId, "read"))).res.status).toBe(401);
	});

	it("answers 403 for a write key: write keys cannot read", async () => {
		const { res, body } = await list("", project.writeKey);
		expect(res.status).toBe(403);
		expect(body.error!.code).toBe("wrong_key_kind");
	});

	it("tells the dashboard which project a key belongs to", async () => {
		const res = await SELF.fetch("https://api.test/api/project", authed(project.readKey));
		expect(await res.json()).toMatchObject({ data: { id: project.projectId, name: "Test project" } });
	});
});
