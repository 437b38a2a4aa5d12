import { SELF } from "cloudflare:test";
import { beforeEach, expect, it } from "vitest";
import type { ConversationView } from "#core/api/events";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ev, sig, store } from "./seed-events";

const T0 = Date.UTC(2026, 9, 1, 12);
let project: TestProject;

beforeEach(async () => {
	project = await seedProject();
	// Stored out of order, as queue delivery may do.
	await store([
		ev(project.projectId, "t3", T0 + 3000, { convo_id: "c1", input: "third" }),
		ev(project.projectId, "t1", T0 + 1000, {
			convo_id: "c1",
			input: "first",
			tool_calls: [{ name: "calendar", input: null, output: "{}", error: null, duration_ms: 40 }],
		}),
		ev(project.projectId, "t2", T0 + 2000, { convo_id: "c1", input: "second" }),
		ev(project.projectId, "x", T0, { convo_id: "other" }),
		ev(project.projectId, "y", T0 + 9000, { convo_id: "later" }),
		sig(project.projectId, "t2", "regenerate"),
		{ v: 1, type: "identify", project_id: project.projectId, received_at: T0, identify: { user_id: "u1", traits: { plan: "team" }, timestamp: T0 } },
	]);
});

async function get(path: string) {
	const res = await SELF.fetch(`https://api.test/api/conversations/${path}`, authed(project.readKey));
	return { res, body: (await res.json()) as { data: ConversationView; error?: { code: string } } };
}

it("returns a conversation's turns in order with tool calls, signals and the user's traits", async () => {
	const { res, body } = await get("c1");
	expect(res.status).toBe(200);
	const c = body.data;
	expect(c.events.map((e) => e.input)).toEqual(["first", "second", "third"]);
	expect(c.event_count).toBe(3);
	expect(c.first_seen).toBe(new Date(T0 + 1000).toISOString());
	expect(c.last_seen).toBe(new Date(T0 + 3000).toISOString());
	expect(c.events[0]!.tool_calls.map((t) => t.name)).toEqual(["calendar"]);
	expect(c.events[1]!.signals.map((s) => s.signal)).toEqual(["regenerate"]);
	expect(c.user?.traits).toEqual({ plan: "team" });
	// The user's times span all their conversations: the last is read from their newest event.
	expect([c.user?.first_seen, c.user?.last_seen]).toEqual([new Date(T0).toISOString(), new Date(T0 + 9000).toISOString()]);
});

it("pages long conversations forward with a cursor", async () => {
	const first = await get("c1?limit=2");
	expect(first.body.data.events.map((e) => e.event_id)).toEqual(["t1", "t2"]);
	const next = await get(`c1?limit=2&cursor=${first.body.data.next_cursor}`);
	expect(next.body.data.events.map((e) => e.event_id)).toEqual(["t3"]);
	expect(next.body.data.next_cursor).toBeNull();
});

it("answers 404 for an unknown conversation and 400 for a bad limit", async () => {
	expect((await get("nope")).res.status).toBe(404);
	const bad = await get("c1?limit=9999");
	expect(bad.res.status).toBe(400);
});
