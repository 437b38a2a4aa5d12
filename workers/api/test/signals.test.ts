import { SELF } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import type { EventDetail } from "#core/api/events";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ev, sig, store } from "./seed-events";

// Every test here ends with the trigger-kept aggregates (issue_days, issue_user_days, intent_signal_days) equal to a recount.
afterEach(async () => {
	await expectAggregatesMatch();
});

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 1);
let project: TestProject;
let adminKey: string;

beforeEach(async () => {
	project = await seedProject();
	adminKey = await seedAdminKey(project.projectId);
	const p = project.projectId;
	// Day 1: ann, bob, cid active; ann refused twice, bob once. Day 2: ann active, refused; dan thumbs-down.
	await store([
		ev(p, "a1", D0 + 1000, { user_id: "ann", output: "I cannot help with that request." }),
		ev(p, "a2", D0 + 2000, { user_id: "ann", output: "I'm unable to help with that." }),
		ev(p, "b1", D0 + 3000, { user_id: "bob", output: "I can't access your files." }),
		ev(p, "c1", D0 + 4000, { user_id: "cid", output: "Here is your summary." }),
		ev(p, "a3", D0 + DAY + 1000, { user_id: "ann", output: "I won't write that." }),
		ev(p, "d1", D0 + DAY + 2000, { user_id: "dan", output: "Done." }),
	]);
	await store([sig(p, "d1", "thumbs_down", { timestamp: D0 + DAY + 3000 })]);
});

const get = (path: string, key = project.readKey) => SELF.fetch(`https://api.test${path}`, authed(key));

describe("detections on events", () => {
	it("come with the event: signal, stage, score and the evidence span", async () => {
		const { data } = (await (await get("/api/events/b1")).json()) as { data: EventDetail };
		expect(data.detections).toEqual([
			{ signal: "refusal", score: 1, stage: "rules", evidence: { field: "output", start: 0, end: 14, text: "I can't access" }, reason: null },
		]);
		const list = (await (await get("/api/events?user_id=cid")).json()) as { data: EventDetail[] };
		expect(list.data[0]!.detections).toEqual([]);
	});
});

describe("GET /api/signals/rates", () => {
	it("gives exact % of active users per day and for the window, implicit and explicit alike", async () => {
		const res = await get(`/api/signals/rates?from=2026-11-01&to=2026-11-02`);
		expect(res.status).toBe(200);
		const { data } = (await res.json()) as {
			data: {
				window: { active_users: number; signals: Record<string, { users: number; pct: number }> };
				days: { day: string; active_users: number; signals: Record<string, { users: number; pct: number }> }[];
			};
		};
		expect(data.days.map((d) => [d.day, d.active_users])).toEqual([
			["2026-11-01", 3],
			["2026-11-02", 2],
		]);
		expect(data.days.map((d) => (d as { events?: number }).events)).toEqual([4, 2]);
		expect(data.days[0]!.signals.refusal).toEqual({ users: 2, pct: 66.67 });
		expect(data.days[1]!.signals.refusal).toEqual({ users: 1, pct: 50 });
		expect(data.days[1]!.signals.thumbs_down).toEqual({ users: 1, pct: 50 });
		// ann refused on both days: counted once in the window of 4 distinct users.
		expect(data.window).toEqual({
			active_users: 4,
			any_negative: { users: 3, pct: 75 },
			signals: { refusal: { users: 2, pct: 50 }, thumbs_down: { users: 1, pct: 25 } },
		});
	});

	it("counts a user with several negative signals once in any_negative, positives not at all, negative custom signals too", async () => {
		const p = project.projectId;
		const custom = await SELF.fetch(
			"https://api.test/api/custom-signals",
			authed(adminKey, { name: "mentions_refund", polarity: "negative", field: "input", keywords: ["refund"] }),
		);
		expect(custom.status).toBe(201);
		// ann: refusal + thumbs_down + the custom signal; cid: thumbs_up only; eve: the custom signal only.
		await store([
			sig(p, "a1", "thumbs_down", { timestamp: D0 + 1500 }),
			sig(p, "c1", "thumbs_up", { timestamp: D0 + 4500 }),
			ev(p, "a4", D0 + DAY + 5000, { user_id: "ann", input: "I want a refund" }),
			ev(p, "e1", D0 + DAY + 6000, { user_id: "eve", input: "refund please" }),
		]);
		const { data } = (await (await get(`/api/signals/rates?from=2026-11-01&to=2026-11-02`)).json()) as {
			data: { window: { active_users: number; any_negative: { users: number; pct: number }; signals: Record<string, { users: number }> } };
		};
		const perSignal = ["refusal", "thumbs_down", "mentions_refund"].map((s) => data.window.signals[s]?.users ?? 0);
		expect(perSignal).toEqual([2, 2, 2]);
		expect(data.window.signals.thumbs_up?.users).toBe(1);
		// ann, bob, dan and eve, of 5 active: not 6 (the sum of the per-signal counts).
		expect(data.window.any_negative).toEqual({ users: 4, pct: 80 });
		// A signal filter narrows the per-signal rows, not the union.
		const filtered = (await (await get(`/api/signals/rates?from=2026-11-01&to=2026-11-02&signal=thumbs_up`)).json()) as { data: typeof data };
		expect(filtered.data.window.any_negative.users).toBe(4);
	});

	it("filters by signal and fills days without traffic with zeros", async () => {
		const { data } = (await (await get(`/api/signals/rates?from=2026-10-31&to=2026-11-01&signal=thumbs_down`)).json()) as {
			data: { days: { day: string; active_users: number; signals: object }[] };
		};
		expect(data.days).toEqual([
			{ day: "2026-10-31", active_users: 0, events: 0, signals: {} },
			{ day: "2026-11-01", active_users: 3, events: 4, signals: {} },
		]);
	});

	it("answers 400 naming a bad range", async () => {
		const res = await get(`/api/signals/rates?from=2026-11-05&to=2026-11-01`);
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { details: [{ field: "from" }] } });
		expect((await get(`/api/signals/rates?from=nope`)).status).toBe(400);
	});

	it("never counts another project's users", async () => {
		const other = await seedProject("Other");
		const { data } = (await (await get(`/api/signals/rates?from=2026-11-01&to=2026-11-02`, other.readKey)).json()) as {
			data: { window: { active_users: number } };
		};
		expect(data.window.active_users).toBe(0);
	});
});

describe("custom signals API", () => {
	const create = (body: unknown, key = adminKey) => SELF.fetch("https://api.test/api/custom-signals", authed(key, body));

	it("creates, lists and deletes a custom signal with the admin key; the catalog shows it", async () => {
		const res = await create({ name: "mentions_refund", description: "Users asking for money back", field: "input", keywords: ["refund", "money back"] });
		expect(res.status).toBe(201);
		const { data } = (await res.json()) as { data: { id: string; keywords: string[] } };
		expect(data.keywords).toEqual(["refund", "money back"]);
		const catalog = (await (await get("/api/signals")).json()) as { data: { name: string; kind: string }[] };
		expect(catalog.data.find((s) => s.name === "mentions_refund")).toMatchObject({ kind: "custom" });
		expect(catalog.data.filter((s) => s.kind === "implicit")).toHaveLength(11);
		const del = await SELF.fetch(`https://api.test/api/custom-signals/${data.id}`, authed(adminKey, undefined, { method: "DELETE" }));
		expect(del.status).toBe(204);
		const list = (await (await get("/api/custom-signals")).json()) as { data: unknown[] };
		expect(list.data).toEqual([]);
	});

	it("refuses read and write keys with 403: only admin keys change settings", async () => {
		expect((await create({ name: "x_y", field: "input", keywords: ["a"] }, project.readKey)).status).toBe(403);
		expect((await create({ name: "x_y", field: "input", keywords: ["a"] }, project.writeKey)).status).toBe(403);
	});

	it("answers 400 naming the field for a pattern the linear-time engine refuses, takes one that backtracks elsewhere, and 409 for a taken name", async () => {
		const bad = await create({ name: "backref", field: "output", regex: String.raw`(\w+) \1` });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ error: { details: [{ field: "regex" }] } });
		// Exponential for a backtracking engine; RE2JS matches it in linear time.
		expect((await create({ name: "slow", field: "output", regex: "(a+)+$" })).status).toBe(201);
		expect((await create({ name: "dup_name", field: "input", keywords: ["a"] })).status).toBe(201);
		expect((await create({ name: "dup_name", field: "input", keywords: ["b"] })).status).toBe(409);
	});

	it("cannot delete another project's custom signal", async () => {
		const { data } = (await (await create({ name: "mine_only", field: "input", keywords: ["a"] })).json()) as { data: { id: string } };
		const other = await seedProject("Other");
		const otherAdmin = await seedAdminKey(other.projectId);
		const res = await SELF.fetch(`https://api.test/api/custom-signals/${data.id}`, authed(otherAdmin, undefined, { method: "DELETE" }));
		expect(res.status).toBe(404);
	});
});
