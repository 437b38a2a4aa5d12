import { env, SELF } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import type { EventPage } from "#core/api/events";
import type { EventFilter } from "#core/event-query";
import * as schema from "#db/schema";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { eventListQuery } from "../src/reads/event-list-query";
import { detectionsOfEvents } from "../src/reads/event-reads";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);
const CURSOR = { timestamp: T0, eventId: "e" };

const listStatement = (projectId: string, filter: Partial<EventFilter>) =>
	eventListQuery(drizzle(env.DB, { schema }), projectId, { limit: 50, properties: [], ...filter }).toSQL();

async function plan(filter: Partial<EventFilter>): Promise<string> {
	const { sql, params } = listStatement("p", filter);
	const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
		.bind(...params)
		.all<{ detail: string }>();
	return results.map((r) => r.detail).join("\n");
}

/** D1's count of rows the page query read (index entries and table rows). */
async function rowsRead(projectId: string, filter: Partial<EventFilter>): Promise<number> {
	const { sql, params } = listStatement(projectId, filter);
	return (
		(
			await env.DB.prepare(sql)
				.bind(...params)
				.all()
		).meta.rows_read ?? 0
	);
}

/** Events straight into the table, 400 statements per batch: only the list's own reads are under test. */
async function insertEvents(rows: { project: string; id: string; ts: number; user: string; convo?: string; model?: string }[]) {
	const stmts = rows.map((r) =>
		env.DB.prepare(
			"INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, convo_id, event, model, input, output) VALUES (?, ?, ?, ?, ?, ?, 'chat', ?, 'question', 'answer')",
		).bind(r.project, r.id, r.ts, r.ts, r.user, r.convo ?? null, r.model ?? "common-model"),
	);
	for (let i = 0; i < stmts.length; i += 400) await env.DB.batch(stmts.slice(i, i + 400));
}

type Flagged = { project: string; id: string; ts: number; user: string };
/** A detection of `signal` on an event, at the event's time. */
const detectionRow = (r: Flagged, signal: string, stage = "model") =>
	env.DB.prepare("INSERT INTO detections (project_id, event_id, signal, score, stage, user_id, timestamp) VALUES (?, ?, ?, 0.9, ?, ?, ?)").bind(
		r.project,
		r.id,
		signal,
		stage,
		r.user,
		r.ts,
	);
/** An event under `intent`. */
const intentRow = (r: Flagged, intent: string) =>
	env.DB.prepare("INSERT INTO event_intents (project_id, event_id, intent_id, day, user_id, timestamp) VALUES (?, ?, ?, ?, ?, ?)").bind(
		r.project,
		r.id,
		intent,
		Math.floor(r.ts / DAY),
		r.user,
		r.ts,
	);

/** `n` events of many users (u0..u99), one conversation per 4, over the 14 days before T0. */
const crowd = (project: string, n: number, prefix = "c") =>
	Array.from({ length: n }, (_, i) => ({
		project,
		id: `${prefix}${i}`,
		ts: T0 - (i % 14) * DAY - (i % 997) * 1000,
		user: `u${i % 100}`,
		convo: `${prefix}_convo${Math.floor(i / 4)}`,
	}));

describe("a page's detections", () => {
	it("are read by their primary key (project, event), not by walking the project's detections", async () => {
		const { sql, params } = detectionsOfEvents(drizzle(env.DB, { schema }), "p", ["e1", "e2"]).toSQL();
		const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
			.bind(...params)
			.all<{ detail: string }>();
		const p = results.map((r) => r.detail).join("\n");
		expect(p).toMatch(/SEARCH detections USING (PRIMARY KEY|INDEX sqlite_autoindex_detections_1) \(project_id=\? AND event_id=\?\)/);
		expect(p).not.toMatch(/detections_project_signal_time_idx/);
	});
});

describe("event list plans: a filter by conversation, user or model seeks its own index", () => {
	const cases = [
		["user_id", { userId: "u" }, /SEARCH events USING INDEX events_project_user_time_idx \(project_id=\? AND user_id=\?/],
		["convo_id", { convoId: "c" }, /SEARCH events USING INDEX events_project_convo_time_idx \(project_id=\? AND convo_id=\?/],
		["model", { model: "m" }, /SEARCH events USING INDEX events_project_model_time_idx \(project_id=\? AND model=\?/],
		// The conversation is the narrowest of the three, then the user.
		["user_id and model", { userId: "u", model: "m" }, /events_project_user_time_idx/],
		["convo_id and user_id", { convoId: "c", userId: "u" }, /events_project_convo_time_idx/],
	] as const;

	for (const [name, filter, index] of cases) {
		it(`${name}: seeks its index, with the time window and the cursor as its range`, async () => {
			expect(await plan(filter)).toMatch(index);
			const windowed = await plan({ ...filter, from: 1, to: 2 });
			expect(windowed).toMatch(index);
			expect(windowed).toMatch(/AND timestamp>\? AND timestamp<\?\)/);
			const paged = await plan({ ...filter, cursor: CURSOR });
			expect(paged).toMatch(/AND timestamp<\?\)/);
			expect(paged).not.toMatch(/^SCAN events\b/m);
		});
	}

	it("without those filters walks the time index, in order, as before", async () => {
		const p = await plan({ from: 1, to: 2, cursor: CURSOR, event: "chat" });
		expect(p).toMatch(/SEARCH events USING INDEX events_project_time_idx \(project_id=\? AND timestamp>\? AND timestamp<\?\)/);
		expect(p).not.toMatch(/TEMP B-TREE/);
	});
});

describe("event list rows read: a rare user's, conversation's or model's page reads their events, not the window's", () => {
	const rare = [0, 1, 3, 6, 10].map((d, i) => ({
		project: "pr",
		id: `rare${i}`,
		ts: T0 - d * DAY + 500,
		user: "rare-user",
		convo: "rare-convo",
		model: "rare-model",
	}));

	beforeAll(async () => {
		await insertEvents([...crowd("pr", 3_000), ...rare]);
	});

	it("reads a few rows per matching event, the same after 3,000 more events of other users", async () => {
		const filters = { user: { userId: "rare-user" }, convo: { convoId: "rare-convo" }, model: { model: "rare-model" } };
		const before: Record<string, number> = {};
		for (const [name, f] of Object.entries(filters)) {
			before[name] = await rowsRead("pr", f);
			// An index entry and a table row per matching event, and the entry that ends the range.
			expect(before[name], name).toBeLessThanOrEqual(rare.length * 2 + 2);
			expect(before[name], name).toBeGreaterThanOrEqual(rare.length);
		}
		await insertEvents(crowd("pr", 3_000, "more"));
		for (const [name, f] of Object.entries(filters)) expect(await rowsRead("pr", f), name).toBe(before[name]);
	});

	it("a busy user's page reads about one page, not all of the user's events", async () => {
		// u7 has 60 events. A page of 10 reads its 11 rows (the 11th says there is a next page), the row after
		// them that ends their timestamp's ties, an entry or two more: index entry and table row for each.
		const bound = 2 * (11 + 1) + 2;
		expect(await rowsRead("pr", { userId: "u7", limit: 10 })).toBeLessThanOrEqual(bound);
		expect(await rowsRead("pr", { userId: "u7", limit: 10, cursor: { timestamp: T0 - 3 * DAY, eventId: "z" } })).toBeLessThanOrEqual(bound);
	});
});

describe("event list: a signal or intent filter reads that signal's or intent's events, not the window's", () => {
	const rare = [0, 2, 5, 9].map((d, i) => ({ project: "ps", id: `flagged${i}`, ts: T0 - d * DAY + 700, user: `u${i}` }));

	beforeAll(async () => {
		await insertEvents([...crowd("ps", 3_000, "s"), ...rare]);
		await env.DB.batch(
			rare.flatMap((r, i) => [
				detectionRow(r, "refusal"),
				intentRow(r, "int_refund"),
				...(i === 0
					? [
							env.DB.prepare(
								"INSERT INTO signals (project_id, signal_id, event_id, signal, timestamp, event_timestamp, received_at, user_id, properties) VALUES (?, 'sg1', 's5', 'refusal', ?, ?, ?, 'u5', '{}')",
							).bind(r.project, T0, T0 - 5 * DAY - 5000, T0),
						]
					: []),
			]),
		);
	});

	it("lists the flagged events (detected or explicit) newest first, reading a few rows for each", async () => {
		const db = drizzle(env.DB, { schema });
		const { listEvents } = await import("../src/reads/event-reads");
		const page = await listEvents(db, "ps", { limit: 50, properties: [], signal: "refusal" });
		const expected = [...rare.map((r) => ({ id: r.id, ts: r.ts })), { id: "s5", ts: T0 - 5 * DAY - 5000 }].sort((a, b) => b.ts - a.ts).map((r) => r.id);
		expect(page.data.map((e) => e.event_id)).toEqual(expected);
		const intent = await listEvents(db, "ps", { limit: 50, properties: [], intent: "int_refund" });
		expect(intent.data.map((e) => e.event_id).sort()).toEqual(rare.map((r) => r.id).sort());
		for (const f of [{ signal: "refusal" }, { intent: "int_refund" }, { signal: "refusal", from: T0 - 6 * DAY, to: T0 + DAY }]) {
			const read = await rowsRead("ps", f);
			// Each matching event's signal or intent rows, its events row twice (join and page), and the sort: far below the 3,004 events.
			expect(read, JSON.stringify(f)).toBeLessThanOrEqual(6 * 5 + 10);
		}
		expect(await rowsRead("ps", { signal: "nothing-has-this" })).toBeLessThanOrEqual(10);
	});

	it("a common signal's or intent's page reads about a page of its rows, not all of them", async () => {
		// 1,500 of the crowd's 3,000 events share a signal and an intent.
		const common = crowd("ps", 1_500, "s");
		const stmts = common.flatMap((r) => [detectionRow(r, "laziness", "rules"), intentRow(r, "int_common")]);
		for (let i = 0; i < stmts.length; i += 400) await env.DB.batch(stmts.slice(i, i + 400));
		// The signal's detections newest first, each with its event, stopping at limit + 1: about 7 rows read per
		// row of the page (index entry, detection, event key, the page's row, the sorts), whatever the signal's total.
		expect(await rowsRead("ps", { signal: "laziness" })).toBeLessThanOrEqual(8 * 51);
		expect(await rowsRead("ps", { signal: "laziness", limit: 10 })).toBeLessThanOrEqual(8 * 11);
		expect(await rowsRead("ps", { signal: "laziness", cursor: { timestamp: T0 - 7 * DAY, eventId: "z" } })).toBeLessThanOrEqual(8 * 51);
		// An intent's rows come a day at a time (sorted by time within the day): the newest day's 108 or so, then a page.
		expect(await rowsRead("ps", { intent: "int_common" })).toBeLessThanOrEqual(3 * 110 + 3 * 51);
		// With a user or a model too, the page's rowids are looked up, not the project's user or model index walked:
		// a rare user's page walks the signal's detections (about 2 rows each), an intent's the newest day's.
		expect(await rowsRead("ps", { signal: "laziness", userId: "u7" })).toBeLessThanOrEqual(2 * 1_500 + 8 * 51);
		expect(await rowsRead("ps", { intent: "int_common", model: "common-model" })).toBeLessThanOrEqual(3 * 110 + 3 * 51);
		// Explicit feedback walks its events' time (signals.event_timestamp) the same way.
		const feedback = common.map((r, i) =>
			env.DB.prepare(
				"INSERT INTO signals (project_id, signal_id, event_id, signal, timestamp, event_timestamp, received_at, user_id, properties) VALUES (?, ?, ?, 'thumbs_down', ?, ?, ?, ?, '{}')",
			).bind(r.project, `td${i}`, r.id, r.ts + 1000, r.ts, r.ts + 1000, r.user),
		);
		for (let i = 0; i < feedback.length; i += 400) await env.DB.batch(feedback.slice(i, i + 400));
		expect(await rowsRead("ps", { signal: "thumbs_down" })).toBeLessThanOrEqual(8 * 51);
		expect(await rowsRead("ps", { signal: "thumbs_down", limit: 10 })).toBeLessThanOrEqual(8 * 11);
		// A property filter keeps the plain form, which reads every one of the signal's events.
		expect(await rowsRead("ps", { signal: "laziness", properties: [{ key: "plan", value: "pro" }] })).toBeGreaterThan(4 * 1_500);
	});
});

describe("GET /api/events with a filter: pages hold every matching event once, newest first", () => {
	let project: TestProject;
	type Row = { project: string; id: string; ts: number; user: string; convo?: string; model?: string };
	const mine: Row[] = [];

	beforeAll(async () => {
		project = await seedProject();
		const others = crowd(project.projectId, 400, "o");
		// 37 events of one user in one conversation with one model; every third shares its timestamp with the
		// one before, so ties are ordered by event_id and a page can end inside a tie.
		for (let i = 0; i < 37; i++) {
			const ts = T0 - Math.floor(i / 3) * 3_600_000 - (i % 3 === 2 ? 60_000 : 0);
			mine.push({ project: project.projectId, id: `m${String((i * 7) % 37).padStart(2, "0")}`, ts, user: "alice", convo: "alice-convo", model: "alice-model" });
		}
		// Others share alice's timestamps too, so ties cross the filter.
		const sharing = mine.map((r, i) => ({ ...r, id: `x${i}`, user: "bob", convo: "bob-convo", model: "bob-model" }));
		await insertEvents([...others, ...mine, ...sharing]);
		// alice's and bob's events are flagged, alice's under an intent; two of the others carry explicit feedback
		// under the signal's name (they interleave with the detected ones in time).
		const flagged = [...mine, ...sharing].map((r) => detectionRow(r, "refusal"));
		const intents = mine.map((r) => intentRow(r, "int_alice"));
		// others[0] has the same feedback twice: one row of the list.
		const feedback = [others[0]!, others[5]!, others[0]!].map((r, i) =>
			env.DB.prepare(
				"INSERT INTO signals (project_id, signal_id, event_id, signal, timestamp, event_timestamp, received_at, user_id, properties) VALUES (?, ?, ?, 'refusal', ?, ?, ?, ?, '{}')",
			).bind(r.project, `sig${i}`, r.id, r.ts + 1000 + i, r.ts, r.ts + 1000, r.user),
		);
		await env.DB.batch([...flagged, ...intents, ...feedback]);
		explicit.push(others[0]!, others[5]!);
	});
	const explicit: Row[] = [];

	async function pages(query: string): Promise<string[]> {
		const seen: string[] = [];
		let cursor: string | null = "";
		while (cursor !== null) {
			const res = await SELF.fetch(`https://api.test/api/events?limit=4&${query}${cursor ? `&cursor=${cursor}` : ""}`, authed(project.readKey));
			expect(res.status).toBe(200);
			const body = (await res.json()) as EventPage;
			seen.push(...body.data.map((e) => e.event_id));
			cursor = body.next_cursor;
		}
		return seen;
	}

	const newestFirst = (rows: Row[]) => [...rows].sort((a, b) => b.ts - a.ts || (a.id < b.id ? 1 : -1)).map((r) => r.id);

	for (const query of ["user_id=alice", "convo_id=alice-convo", "model=alice-model", "user_id=alice&model=alice-model"]) {
		it(`${query}: every matching event exactly once, in (timestamp, event_id) descending order`, async () => {
			expect(await pages(query)).toEqual(newestFirst(mine));
		});
	}

	it("signal: detected and explicit alike, every one exactly once, newest first, across ties and pages", async () => {
		const sharing = (await pages("user_id=bob")).length;
		expect(sharing).toBe(mine.length);
		const all = await pages("signal=refusal");
		expect(all).toHaveLength(2 * mine.length + explicit.length);
		expect(new Set(all).size).toBe(all.length);
		expect(await pages("signal=refusal&user_id=alice")).toEqual(newestFirst(mine));
		const [from, to] = [T0 - 5 * 3_600_000, T0 - 3_600_000];
		expect(await pages(`signal=refusal&user_id=alice&from=${from}&to=${to}`)).toEqual(newestFirst(mine.filter((r) => r.ts >= from && r.ts < to)));
		expect(await pages(`signal=refusal&user_id=${explicit[0]!.user}`)).toEqual(expect.arrayContaining([explicit[0]!.id]));
	});

	it("intent: every event of it exactly once, newest first, with the other filters", async () => {
		expect(await pages("intent=int_alice")).toEqual(newestFirst(mine));
		expect(await pages("intent=int_alice&model=bob-model")).toEqual([]);
		const [from, to] = [T0 - 5 * 3_600_000, T0 - 3_600_000];
		expect(await pages(`intent=int_alice&signal=refusal&from=${from}&to=${to}`)).toEqual(newestFirst(mine.filter((r) => r.ts >= from && r.ts < to)));
	});

	it("user_id with a time window: only the window's events, in order", async () => {
		const [from, to] = [T0 - 5 * 3_600_000, T0 - 3_600_000];
		const inWindow = mine.filter((r) => r.ts >= from && r.ts < to);
		expect(inWindow.length).toBeGreaterThan(4);
		expect(await pages(`user_id=alice&from=${from}&to=${to}`)).toEqual(newestFirst(inWindow));
	});
});
