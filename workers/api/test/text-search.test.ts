import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { eventSearchResponseSchema } from "#core/api/events";
import { issuePorts } from "../../detect/src/ingest-batch/consume-batch";
import { purgeExpiredData } from "../../detect/src/maintenance/retention";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { encodeRankCursor } from "#core/event-query";
import { BY_WORDS } from "../src/deep-search/deep-search-pool";
import { TEXT_RANK_DEPTH } from "../src/reads/event-text-search";
import { detectBindings, ev, store } from "./seed-events";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 9, 1, 12);
let project: TestProject;
let other: TestProject;

const EVENTS: Array<[id: string, at: number, extra: Record<string, unknown>]> = [
	["cal", 0, { user_id: "alice", model: "m-a", input: "Add the dentist to my calendar", output: "I cannot access your calendar, sorry." }],
	["cal2", 1, { user_id: "bob", model: "m-b", input: "What is on my calendar today?", output: "You have a meeting at 10." }],
	["refund", 2, { user_id: "alice", model: "m-a", input: "I want a refund for my order", output: "Refunds take five days." }],
	[
		"refunding",
		3,
		{ user_id: "bob", model: "m-b", input: "Is refunding possible with PayPal?", output: "Yes, PayPal refunds work.", properties: { plan: "pro" } },
	],
	["café", 4, { user_id: "carol", model: "m-a", input: "Où est le café?", output: "Le café est à gauche." }],
	["access", 5, { user_id: "carol", model: "m-b", input: "access denied to calendar", output: "Access to the calendar needs permission." }],
];

beforeEach(async () => {
	project = await seedProject();
	other = await seedProject("Other project");
	await store(EVENTS.map(([id, at, extra]) => ev(project.projectId, id, T0 + at * HOUR, extra)));
	// Another project's events share every word: they must never appear.
	await store(EVENTS.map(([id, at, extra]) => ev(other.projectId, `other_${id}`, T0 + at * HOUR, extra)));
});

async function get(path: string, key = project.readKey) {
	const res = await SELF.fetch(`https://api.test${path}`, authed(key));
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function search(q: string, extra = "") {
	const { status, body } = await get(`/api/events/search?mode=text&q=${encodeURIComponent(q)}${extra}`);
	expect(status, `${q} ${JSON.stringify(body)}`).toBe(200);
	return eventSearchResponseSchema.parse(body);
}
const ids = async (q: string, extra = "") => (await search(q, extra)).data.map((e) => e.event_id);
const sorted = async (q: string, extra = "") => (await ids(q, extra)).sort();

describe("GET /api/events/search?mode=text (FTS5 over every stored event)", () => {
	it("finds words in input or output, case- and accent-insensitively, ANDed", async () => {
		expect(await sorted("calendar")).toEqual(["access", "cal", "cal2"]);
		expect(await sorted("CALENDAR dentist")).toEqual(["cal"]);
		expect(await sorted("cafe")).toEqual(["café"]);
		expect(await sorted("paypal")).toEqual(["refunding"]);
	});

	it("matches a quoted phrase only in that order", async () => {
		expect(await ids(`"cannot access"`)).toEqual(["cal"]);
		expect(await ids(`"access cannot"`)).toEqual([]);
	});

	it("matches a prefix with word*, and only whole words without it (no stemming)", async () => {
		expect(await sorted("refund")).toEqual(["refund"]);
		expect(await sorted("refund*")).toEqual(["refund", "refunding"]);
	});

	it('excludes with -word, NOT word and -"a phrase"; joins with OR', async () => {
		expect(await sorted("calendar -dentist")).toEqual(["access", "cal2"]);
		expect(await sorted("calendar NOT meeting NOT dentist")).toEqual(["access"]);
		expect(await sorted(`calendar -"cannot access"`)).toEqual(["access", "cal2"]);
		expect(await sorted("dentist OR paypal")).toEqual(["cal", "refunding"]);
	});

	it("ranks by BM25: more of the words, in a shorter text, first; scores descend", async () => {
		const result = await search("calendar access");
		expect(result.data.map((e) => e.event_id)).toEqual(["access", "cal"]);
		expect(result.data[0]!.score).toBeGreaterThan(result.data[1]!.score);
		expect(result.mode).toBe("text");
		expect(result.searched).toBe(2);
	});

	it("applies the list's filters: time window, user, model, property, event name", async () => {
		const from = new Date(T0 + 1 * HOUR).toISOString();
		const to = new Date(T0 + 5 * HOUR).toISOString();
		expect(await sorted("calendar", `&from=${from}&to=${to}`)).toEqual(["cal2"]);
		expect(await sorted("calendar", "&user_id=carol")).toEqual(["access"]);
		expect(await sorted("refund*", "&model=m-b")).toEqual(["refunding"]);
		expect(await sorted("refund*", "&property.plan=pro")).toEqual(["refunding"]);
		expect(await sorted("refund*", "&event=chat_message")).toEqual(["refund", "refunding"]);
		expect(await sorted("refund*", "&event=other")).toEqual([]);
	});

	it("pages through the whole ranking with next_cursor, without overlap", async () => {
		const all = await ids("calendar OR refund* OR cafe");
		expect(all).toHaveLength(6);
		const seen: string[] = [];
		let cursor = "";
		for (let page = 0; page < 6; page++) {
			const result = await search("calendar OR refund* OR cafe", `&limit=4${cursor}`);
			seen.push(...result.data.map((e) => e.event_id));
			if (!result.next_cursor) break;
			cursor = `&cursor=${result.next_cursor}`;
		}
		expect(seen).toEqual(all);
	});

	it("ranks a project's newest 10,000 matches when more match, and says so; narrower filters reach the rest", async () => {
		// The oldest 20 say the word twice in a short text: ranked, they would come first.
		const rows = Array.from({ length: TEXT_RANK_DEPTH + 40 }, (_, i) => {
			const old = i < 20;
			return { id: `w${i}`, user: old ? "early" : `u${i % 50}`, input: old ? "widget widget" : `my widget number ${i} broke again today` };
		});
		const stmts = rows.map((r, i) =>
			env.DB.prepare(
				"INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, event, model, input, output) VALUES (?, ?, ?, ?, ?, 'chat', 'm', ?, 'ok')",
			).bind(project.projectId, r.id, T0 - DAY + i, T0 - DAY + i, r.user, r.input),
		);
		// Another project's matches interleave, stored between this project's.
		stmts.splice(5_000, 0, ...rows.slice(0, 500).map((r, i) => stmts[0]!.bind(other.projectId, `x${r.id}`, T0 + i, T0 + i, "x", "widget widget widget")));
		for (let i = 0; i < stmts.length; i += 500) await env.DB.batch(stmts.slice(i, i + 500));
		const capped = await search("widget", "&limit=5");
		expect(capped).toMatchObject({ searched: TEXT_RANK_DEPTH, ranked: TEXT_RANK_DEPTH });
		expect(capped.data.map((e) => e.event_id).filter((id) => /^w1?\d$/.test(id))).toEqual([]);
		expect(capped.data.every((e) => e.event_id.startsWith("w"))).toBe(true);
		// The early user's 20 are all there when the filter narrows the matches under the depth.
		const early = await search("widget", "&limit=50&user_id=early");
		expect(early).toMatchObject({ searched: 20, ranked: null });
		expect(early.data).toHaveLength(20);
		// Deep search draws its candidates by words from the same newest matches.
		const drawn = await env.DB.prepare(BY_WORDS).bind("widget", project.projectId, 0, Number.MAX_SAFE_INTEGER).all<{ event_id: string }>();
		expect(drawn.results.length).toBeGreaterThan(0);
		expect(drawn.results.filter((r) => /^w1?\d$/.test(r.event_id))).toEqual([]);
	});

	it("says all were ranked when exactly 10,000 match, and that only the newest were once one more does", async () => {
		const insert = (from: number, n: number) =>
			Array.from({ length: n }, (_, k) =>
				env.DB.prepare(
					"INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, event, model, input, output) VALUES (?, ?, ?, ?, 'u', 'chat', 'm', 'a gizmo', 'ok')",
				).bind(project.projectId, `g${from + k}`, T0 - DAY + from + k, T0 - DAY + from + k),
			);
		const all = insert(0, TEXT_RANK_DEPTH);
		for (let i = 0; i < all.length; i += 500) await env.DB.batch(all.slice(i, i + 500));
		expect(await search("gizmo", "&limit=5")).toMatchObject({ searched: TEXT_RANK_DEPTH, ranked: null });
		await env.DB.batch(insert(TEXT_RANK_DEPTH, 1));
		const over = await search("gizmo", `&limit=5&cursor=${encodeRankCursor(TEXT_RANK_DEPTH - 5)}`);
		expect(over).toMatchObject({ searched: TEXT_RANK_DEPTH, ranked: TEXT_RANK_DEPTH, next_cursor: null });
		// The last page of the ranking ends at the depth; the oldest (g0), cut, would lead the first (ties go by event_id).
		expect(over.data).toHaveLength(5);
		expect((await search("gizmo", "&limit=5")).data.map((e) => e.event_id)).toEqual(["g1", "g10", "g100", "g1000", "g10000"]);
	});

	it("never returns another project's events", async () => {
		for (const q of ["calendar", "refund*", `"cannot access"`, "cafe OR paypal"]) {
			for (const id of await ids(q)) expect(id.startsWith("other_"), q).toBe(false);
		}
		expect(await sorted("calendar")).toHaveLength(3);
	});

	it("stays searching by meaning without mode, and answers 400 naming mode for an unknown one", async () => {
		const byMeaning = await get(`/api/events/search?q=${encodeURIComponent("%%")}`);
		expect(byMeaning.status).toBe(200);
		expect(byMeaning.body.mode).toBe("meaning");
		const bad = await get("/api/events/search?mode=foo&q=calendar");
		expect(bad.status).toBe(400);
		expect((bad.body.error as { details: { field: string }[] }).details.map((d) => d.field)).toEqual(["mode"]);
	});

	it("answers hostile queries with 200 or a 400 naming q, never a 500", async () => {
		const hostile = [
			`"unbalanced`,
			`NEAR(calendar`,
			"*",
			"input:calendar",
			"output : x",
			"calendar)",
			"(",
			"^calendar",
			"+",
			"a OR",
			"NOT",
			"-",
			`""""`,
			"\u0000",
			"🙂",
		];
		for (const q of [...hostile, "x".repeat(10_000), `"(*NEAR: -OR ^`.repeat(700)]) {
			const { status, body } = await get(`/api/events/search?mode=text&q=${encodeURIComponent(q)}`);
			expect([200, 400], q.slice(0, 40)).toContain(status);
			if (status === 400) expect((body.error as { details: { field: string }[] }).details.map((d) => d.field)).toContain("q");
			const list = await get(`/api/events?q=${encodeURIComponent(q)}`);
			expect([200, 400], q.slice(0, 40)).toContain(list.status);
		}
		// A column filter is a literal, the phrase "input calendar": as a filter it would have found cal2 and access.
		expect(await sorted("input:calendar")).toEqual([]);
		expect(await sorted(`NEAR(calendar`)).toEqual([]);
		for (const q of ["*", "NOT", "-", "", "   "]) expect((await get(`/api/events/search?mode=text&q=${encodeURIComponent(q)}`)).status, q).toBe(400);
	});
});

describe("the event list's q uses the same index", () => {
	it("filters the list by words, newest first, with its cursor", async () => {
		const { body } = await get(`/api/events?q=${encodeURIComponent("calendar -dentist")}`);
		expect((body.data as { event_id: string }[]).map((e) => e.event_id)).toEqual(["access", "cal2"]);
		const page = await get(`/api/events?q=calendar&limit=2`);
		const next = await get(`/api/events?q=calendar&limit=2&cursor=${page.body.next_cursor}`);
		expect([...(page.body.data as { event_id: string }[]), ...(next.body.data as { event_id: string }[])].map((e) => e.event_id)).toEqual([
			"access",
			"cal2",
			"cal",
		]);
	});
});

describe("deleted text is no longer searchable", () => {
	const indexIsConsistent = () => env.DB.prepare("INSERT INTO events_fts(events_fts, rank) VALUES ('integrity-check', 1)").run();

	it("after DELETE /api/users/:id, the user's words match nothing, others' still do", async () => {
		const admin = await seedAdminKey(project.projectId);
		const res = await SELF.fetch(`https://api.test/api/users/alice`, authed(admin, undefined, { method: "DELETE" }));
		expect(res.status).toBe(200);
		expect(await ids("dentist")).toEqual([]);
		expect(await ids(`"cannot access"`)).toEqual([]);
		expect(await sorted("refund*")).toEqual(["refunding"]);
		expect((await get("/api/events?q=dentist")).body.data).toEqual([]);
		// The other project's copy of alice's text is its own, and stays.
		const inOther = await get(`/api/events/search?mode=text&q=dentist`, other.readKey);
		expect((inOther.body.data as { event_id: string }[]).map((e) => e.event_id)).toEqual(["other_cal"]);
		await indexIsConsistent();
	});

	it("after retention purges old events, their words match nothing", async () => {
		await env.DB.prepare("UPDATE projects SET retention_days = 30 WHERE id = ?").bind(project.projectId).run();
		// The project's first three events fall out of a 30-day window ending 32 days + 2.5 hours after T0.
		await purgeExpiredData(await issuePorts(detectBindings()), T0 + 30 * 24 * HOUR + 2.5 * HOUR);
		expect(await ids("dentist")).toEqual([]);
		expect(await sorted("calendar")).toEqual(["access"]);
		expect(await sorted("refund*")).toEqual(["refunding"]);
		await indexIsConsistent();
	});
});
