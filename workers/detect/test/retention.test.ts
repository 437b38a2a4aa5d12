import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { QueueMessage } from "#core/queue-messages";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { issuePorts } from "../src/ingest-batch/consume-batch";
import worker from "../src";
import { purgeExpiredData } from "../src/maintenance/retention";
import { batchOf, eventMessage } from "./messages";
import { REFUND_REQUESTS as REFUND } from "../../shared/test/user-requests";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();
const OLD = NOW - 40 * DAY;
const OLDEST = NOW - 50 * DAY;
const FILLER = 230;

let n = 0;
let KEPT = "";
let PURGED = "";

const store = async (messages: QueueMessage[]) => worker.queue!(batchOf(messages), env, createExecutionContext());

/**
 * 40 days ago: four contacts refusals (an issue) asking for refunds (an intent), and 230 plain
 * events before them. An hour ago: two more contacts refusals, joining that issue.
 */
async function seed(projectId: string, retentionDays: number | null) {
	await env.DB.prepare("INSERT INTO projects (id, name, created_at, retention_days) VALUES (?, ?, ?, ?)")
		.bind(projectId, projectId, OLDEST, retentionDays)
		.run();
	const p = projectId;
	await store(
		Array.from({ length: FILLER }, (_, i) =>
			eventMessage(p, `x${i}`, { timestamp: OLDEST + i, user_id: `xu${i % 3}`, convo_id: `x${i % 3}`, input: undefined, output: undefined }),
		),
	);
	await store(
		CONTACT_REFUSALS.slice(0, 4).map((output, i) =>
			eventMessage(p, `o${i}`, { timestamp: OLD + i, user_id: `ou${i}`, convo_id: `o${i}`, input: REFUND[i], output }),
		),
	);
	await store([
		...CONTACT_REFUSALS.slice(4, 6).map((output, i) =>
			eventMessage(p, `n${i}`, { timestamp: NOW - HOUR + i, user_id: `nu${i}`, convo_id: `n${i}`, input: undefined, output }),
		),
		{
			v: 1,
			type: "signal",
			project_id: p,
			received_at: OLD,
			signal: { signal_id: `s_${p}`, event_id: "never-stored", signal: "thumbs_down", timestamp: OLD, user_id: "ghost", properties: {} },
		} as QueueMessage,
	]);
}

const count = async (table: string, projectId: string, where = "1 = 1") =>
	(await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE project_id = ? AND ${where}`).bind(projectId).first<{ n: number }>())!.n;

/** Rows per table of a project, to show one was left alone. */
async function snapshot(projectId: string) {
	const tables = [
		"events",
		"detections",
		"signals",
		"issue_events",
		"issues",
		"event_intents",
		"intents",
		"user_days",
		"user_signal_days",
		"users",
		"conversations",
	];
	return Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t, projectId)] as const)));
}

const issues = async (projectId: string) =>
	(
		await env.DB.prepare(
			"SELECT id, title, first_seen, central_event_id, (SELECT count(*) FROM issue_events e WHERE e.issue_id = issues.id) AS events FROM issues WHERE project_id = ?",
		)
			.bind(projectId)
			.all<{ id: string; title: string; first_seen: number; central_event_id: string; events: number }>()
	).results;

beforeEach(async () => {
	n++;
	PURGED = `prj_ret_${n}`;
	KEPT = `prj_keep_${n}`;
	await seed(PURGED, 30);
	await seed(KEPT, null);
});

describe("retention purge", () => {
	it("deletes events older than the window with everything derived from them, a bounded number per run", async () => {
		const kept = await snapshot(KEPT);
		const contacts = (await issues(PURGED)).find((i) => /contact/.test(i.title))!;
		expect(contacts.events).toBe(6);
		const issueDays = (id: string) =>
			env.DB.prepare("SELECT day, events, users FROM issue_days WHERE issue_id = ? ORDER BY day")
				.bind(id)
				.all()
				.then((r) => r.results);
		const countsBefore = await issueDays(contacts.id);
		expect(countsBefore.reduce((n, r) => n + (r.events as number), 0)).toBe(6);
		const refund = (await env.DB.prepare("SELECT intent_id FROM event_intents WHERE project_id = ? LIMIT 1").bind(PURGED).first<{ intent_id: string }>())!
			.intent_id;
		const ports = await issuePorts(env);

		const first = await purgeExpiredData(ports, NOW, 1);
		expect(first).toEqual([{ project_id: PURGED, deleted: expect.objectContaining({ events: 200, signals: 1 }), done: false }]);
		expect(await count("events", PURGED, `timestamp < ${NOW - 30 * DAY}`)).toBe(FILLER + 4 - 200);
		// The refusals are the newest of the old events: not reached yet.
		expect((await issues(PURGED)).find((i) => i.id === contacts.id)!.events).toBe(6);

		const second = await purgeExpiredData(ports, NOW, 1);
		expect(second).toEqual([{ project_id: PURGED, deleted: expect.objectContaining({ events: FILLER + 4 - 200, intents: 1 }), done: true }]);
		expect(await count("events", PURGED, `timestamp < ${NOW - 30 * DAY}`)).toBe(0);
		expect(await count("events", PURGED)).toBe(2);
		for (const table of ["detections", "issue_events", "event_intents", "signals"])
			expect(await count(table, PURGED, `timestamp < ${NOW - 30 * DAY}`), table).toBe(0);
		expect(await count("user_days", PURGED, `day < ${Math.floor((NOW - 30 * DAY) / DAY)}`)).toBe(0);
		expect(await count("user_signal_days", PURGED, `day < ${Math.floor((NOW - 30 * DAY) / DAY)}`)).toBe(0);
		expect(await count("users", PURGED)).toBe(2);
		expect(await count("conversations", PURGED)).toBe(2);
		// The contacts issue keeps its two recent events, and its times and centre come from them.
		const after = await issues(PURGED);
		const still = after.find((i) => i.id === contacts.id)!;
		expect(still).toMatchObject({ events: 2, first_seen: NOW - HOUR });
		expect(still.central_event_id).toMatch(/^n/);
		// Old raw events left; the issue's daily counts stay (6 events, 40 days ago included), while
		// its per-user rows (user ids) went with the events.
		expect(await issueDays(contacts.id)).toEqual(countsBefore);
		expect(
			(await env.DB.prepare("SELECT count(*) AS n FROM issue_user_days WHERE issue_id = ? AND day < ?")
				.bind(contacts.id, Math.floor((NOW - 30 * DAY) / DAY))
				.first<{ n: number }>())!.n,
		).toBe(0);
		expect((await env.DB.prepare("SELECT count(*) AS n FROM aggregate_holds").first<{ n: number }>())!.n).toBe(0);
		expect(after).toHaveLength(1);
		// The intent had only old inputs: gone, with its centre.
		expect(await count("intents", PURGED)).toBe(0);
		expect(await env.DB.prepare("SELECT id FROM vectors WHERE id = ?").bind(refund).first()).toBeNull();

		expect(await purgeExpiredData(ports, NOW, 1)).toEqual([]);
		expect(await snapshot(KEPT)).toEqual(kept);
	});

	it("keeps a user and a conversation first seen before the window while they still have an event in it", async () => {
		// ou0 asked in conversation o0 40 days ago and came back to it an hour ago.
		await store([eventMessage(PURGED, "o0_back", { timestamp: NOW - HOUR, user_id: "ou0", convo_id: "o0", input: "Any news on my refund?" })]);
		expect(await purgeExpiredData(await issuePorts(env), NOW)).toEqual([
			{ project_id: PURGED, deleted: expect.objectContaining({ events: FILLER + 4 }), done: true },
		]);
		const firstSeen = (table: string, where: string) =>
			env.DB.prepare(`SELECT first_seen FROM ${table} WHERE project_id = ? AND ${where}`).bind(PURGED).first<number>("first_seen");
		// Their first times stay those of the expired events: only rows with nothing left go.
		expect(await firstSeen("users", "user_id = 'ou0'")).toBe(OLD);
		expect(await firstSeen("conversations", "convo_id = 'o0'")).toBe(OLD);
		expect(await firstSeen("users", "user_id = 'ou1'")).toBeNull();
		expect(await firstSeen("conversations", "convo_id = 'o1'")).toBeNull();
	});

	it("goes on round after round while its time budget lasts", async () => {
		// 234 expired events: two rounds of 200, in one run.
		expect(await purgeExpiredData(await issuePorts(env), NOW)).toEqual([
			{ project_id: PURGED, deleted: expect.objectContaining({ events: FILLER + 4 }), done: true },
		]);
		expect(await count("events", PURGED, `timestamp < ${NOW - 30 * DAY}`)).toBe(0);
	});

	it("makes the one round every project gets when no time is left", async () => {
		expect(await purgeExpiredData(await issuePorts(env), NOW, Number.POSITIVE_INFINITY, 0)).toEqual([
			{ project_id: PURGED, deleted: expect.objectContaining({ events: 200 }), done: false },
		]);
	});

	it("runs on the maintenance cron, leaving projects without retention untouched", async () => {
		const kept = await snapshot(KEPT);
		const ctx = createExecutionContext();
		await worker.scheduled!(createScheduledController({ cron: "*/5 * * * *", scheduledTime: NOW }), env, ctx);
		await waitOnExecutionContext(ctx);
		expect(await count("events", PURGED)).toBe(2);
		expect(await snapshot(KEPT)).toEqual(kept);
	});
});
