import { createExecutionContext, env, getQueueResult } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../src";
import { countRows } from "../../shared/test/seed-project";
import { batchOf, eventMessage } from "./messages";

/**
 * Rows written per event, as D1 reports them (`meta.rows_written` of every statement the
 * consumer runs, in batches or alone, grouping phase included). D1 counts each index entry a
 * statement changes as a row written (https://developers.cloudflare.com/d1/platform/pricing/).
 * Per table for a new conversation in a project whose intents exist (15; 14 before migration 0020, 18 before 0018):
 * events 7, event_days 1 per batch and day (1 per event before migration 0035), users 1, conversations 1, user_days 1,
 * event_intents 3; a later turn writes no users or conversations row (migration 0034). That is the floor
 * the schema sets. events is a rowid table (large rows; the conversation history joins on its rowid):
 * the row, its primary key (project, event_id: idempotency), its full-text index entry (migration 0020:
 * events_fts, kept by a trigger; 1 row as D1 reports it) and 4 indexes, each with a reader (time:
 * the event list and retention; user, conversation, model: the event list's filters, a user's
 * deletion, the conversation history, an issue's top intent). Every-match alerts read detections'
 * (project, received_at) index, a row per detection (migration 0036; a fifth index on events before).
 * event_intents is the row and its 2 covering read indexes. users, conversations, user_days,
 * user_signal_days and event_intents are WITHOUT ROWID: a rowid table with a composite primary key
 * also wrote its primary-key index (users, conversations, user_days 2 each, event_intents 4).
 * Cut here before: a redelivered event wrote 4 rows (users, conversations and issue times rewritten
 * unchanged, the day's counter updated by 0), now none; an event of an already seen model and
 * release rewrote both first_seen_values rows (2), now none; issue times once per issue and batch.
 * Run: npx vitest run --project detect workers/detect/test/write-amplification.test.ts (logs per table).
 */
function countingDb() {
	const tally = { statements: 0, rowsWritten: 0, byTable: {} as Record<string, number> };
	const record = (r: D1Result | undefined, sql = "") => {
		tally.statements++;
		const rows = r?.meta?.rows_written ?? 0;
		tally.rowsWritten += rows;
		const table = /^\s*(?:insert(?: or ignore)? into|update|delete from)\s+"?(\w+)/i.exec(sql)?.[1] ?? "?";
		if (rows) tally.byTable[table] = (tally.byTable[table] ?? 0) + rows;
	};
	const instrument = (stmt: D1PreparedStatement): D1PreparedStatement => {
		const { bind, run, all, raw } = stmt;
		return Object.assign(stmt, {
			bind: (...values: unknown[]) => instrument(bind.apply(stmt, values)),
			run: async () => {
				const r = await run.apply(stmt);
				record(r, (stmt as unknown as { statement?: string }).statement);
				return r;
			},
			all: async () => {
				const r = await all.apply(stmt);
				record(r as D1Result, (stmt as unknown as { statement?: string }).statement);
				return r;
			},
			raw: raw.bind(stmt),
		});
	};
	const db = new Proxy(env.DB, {
		get(target, prop) {
			const value = Reflect.get(target, prop) as unknown;
			if (prop === "batch")
				return async (statements: D1PreparedStatement[]) => {
					const results = await target.batch(statements);
					results.forEach((r, i) => record(r, (statements[i] as unknown as { statement?: string }).statement));
					return results;
				};
			if (prop === "prepare") return (query: string) => instrument(target.prepare(query));
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { bindings: { ...env, DB: db }, tally };
}

let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_writes_${++n}`;
});

const T = Date.UTC(2026, 10, 20, 10);
const CITIES = ["Lisbon", "Berlin", "Oslo", "Madrid", "Rome", "Vienna", "Prague", "Dublin", "Paris", "Warsaw"];
const ASKS = [
	(c: string) => `Find me a flight to ${c} next Friday`,
	(c: string) => `What is the weather like in ${c} this weekend?`,
	(c: string) => `Book a hotel in ${c} near the old town`,
	(c: string) => `Cancel my subscription, I am moving to ${c}`,
	(c: string) => `Translate "good morning" for my trip to ${c}`,
];
const FOLLOW = ["Anything cheaper?", "And on Saturday?", "Show me more options please", "What about the week after?", "Can you compare the first two?"];

interface Turn {
	users: number;
	/** The first user's number: later batches bring new users and conversations. */
	from?: number;
	turn: number;
	refusals?: boolean;
	tools?: boolean;
}

/** One event per conversation: user `u{i}` in conversation `c{i}`, all on one day. */
function turns({ users, from = 0, turn, refusals = false, tools = false }: Turn) {
	return Array.from({ length: users }, (_, k) => k + from).map((i) =>
		eventMessage(PROJECT, `e${i}_${turn}`, {
			timestamp: T + turn * 60_000 + i,
			user_id: `u${i}`,
			convo_id: `c${i}`,
			input: turn === 0 ? ASKS[i % ASKS.length]!(CITIES[i % CITIES.length]!) : FOLLOW[(i + turn) % FOLLOW.length]!,
			output: refusals && i % 2 === 0 ? "I'm sorry, but I can't help with that request." : "Here are a few options that match what you asked for.",
			model: "gpt-4o-mini",
			properties: { release: "2026.11.1" },
			tool_calls: tools ? [{ name: "search", input: "{}", output: "[]", error: null, duration_ms: 40 }] : [],
		}),
	);
}

async function rowsPerEvent(batch: Turn) {
	const { bindings, tally } = countingDb();
	const ctx = createExecutionContext();
	const delivered = batchOf(turns(batch));
	await worker.queue!(delivered, bindings, ctx);
	expect((await getQueueResult(delivered, ctx)).ackAll).toBe(true);
	const perEvent = (x: number) => Math.round((x / batch.users) * 100) / 100;
	return {
		rows: perEvent(tally.rowsWritten),
		statements: perEvent(tally.statements),
		byTable: Object.fromEntries(Object.entries(tally.byTable).map(([t, r]) => [t, perEvent(r)])),
	};
}

describe("rows written per event (D1 meta.rows_written, whole consumer)", () => {
	it("a project's first requests: 26.95 rows per new conversation, 22.78 per later turn (27.95 and 23.78 before alerts read detections by time of arrival instead of an index on events, migration 0036; 28.93 and 24.75 before the day's event count was added per batch, migration 0035; 26.75 per later turn before it stopped rewriting its user's and conversation's rows, migration 0034; 27.93 before the user's last-active row of a new active day, migration 0028; 19.93 and 18.75 before the event vectors, 18.93 and 17.75 before the full-text index, 22.93 and 18.75 before WITHOUT ROWID; a request waiting as an intent candidate, then promoted, adds 4.75)", async () => {
		const first = await rowsPerEvent({ users: 40, turn: 0 });
		const next = await rowsPerEvent({ users: 40, turn: 1 });
		console.log("cold project: new conversation", first, "continuing turn", next);
		expect(await countRows("events", PROJECT)).toBe(80);
		expect(first.rows).toBeLessThanOrEqual(26.95);
		expect(next.rows).toBeLessThanOrEqual(22.78);
		// The model and release were seen before: their first sightings stay as they are.
		expect(next.byTable.first_seen_values).toBeUndefined();
	});

	it("once the project's intents exist: 22.03 rows per new conversation (23.03 before the index on events' received_at moved to detections, migration 0036; 24 before the day's event count was added per batch, migration 0035: 1 row per batch and day, not per event; 23 before the last-active rows of migration 0028: the user's, and the intent's, which event_intents' dropped (project, day) index pays for, migration 0029; 15 before the event vectors, 14 before the full-text index, 18 before WITHOUT ROWID), one per keyed row; a later turn writes no user or conversation row (it moved their last-seen times with 1 row each before migration 0034) and adds no active-user day", async () => {
		await rowsPerEvent({ users: 40, turn: 0 });
		const fresh = await rowsPerEvent({ users: 40, from: 40, turn: 0 });
		const next = await rowsPerEvent({ users: 40, from: 40, turn: 1 });
		console.log("warm project: new conversation", fresh, "continuing turn", next);
		// event_vectors: input and output, each a row, its two indexes and the AUTOINCREMENT counter (sqlite_sequence).
		// events: its 7; event_days: the day's count, one update for the batch's 40 events (migration 0035); user_days:
		// the day's row and the user's last-active row; event_intents: the row, its intent index and the intent's
		// last-active row for the user.
		expect(fresh.byTable).toEqual({ events: 7, event_days: 0.03, users: 1, conversations: 1, user_days: 2, event_intents: 3, event_vectors: 8 });
		expect(fresh.rows).toBe(22.03);
		expect(next.byTable.users).toBeUndefined();
		expect(next.byTable.conversations).toBeUndefined();
		expect(next.byTable.event_intents).toBe(3);
		expect(next.byTable.user_days).toBeUndefined();
	});

	it("with a refusal on every other event and a tool call on each: 39.73 rows per new conversation, 31.83 per later turn (40.23 and 32.33 before migration 0036: 1 row less per event, 0.5 more per refusal; 41.2 and 33.3 before migration 0035; 35.3 per later turn before migration 0034; 39.2 and 34.8 before the last-active rows, migration 0028: the user's, the refusal's and the intent matrix's; 39.18 before the unique title index a new issue writes, migration 0026; 31.18 and 26.8 before the event vectors, 30.18 and 25.8 before the full-text index, 34.17 and 26.3 before WITHOUT ROWID; +0.5 since the intent matrix row a refusal adds, migration 0019; issue times: one update per issue and batch)", async () => {
		const first = await rowsPerEvent({ users: 40, turn: 0, refusals: true, tools: true });
		const next = await rowsPerEvent({ users: 40, turn: 1, refusals: true, tools: true });
		console.log("refusals+tools: new conversation", first, "continuing turn", next);
		expect(await countRows("detections", PROJECT)).toBe(40);
		expect(first.rows).toBeLessThanOrEqual(39.73);
		expect(next.rows).toBeLessThanOrEqual(31.83);
		// 20 refusing users: one user_signal_days row and its day index each (the primary-key index too before),
		// and the refusal's last-active row; the user's last-active row beside each user_days row.
		expect(first.byTable).toMatchObject({ users: 1, conversations: 1, user_days: 2, user_signal_days: 1.5 });
		// The event's 7; the day's count once for the batch (a day's first batch writes its new row: 2 rows for 40 events).
		expect(first.byTable.events).toBe(7);
		expect(first.byTable.event_days).toBe(0.05);
		// Detections 2.5 (each of the 20 refusals: its row, key and 3 indexes, the time of arrival's since migration 0036)
		// and event_intents 3 per event, plus the intent matrix row each refusal adds (0.5 per
		// event, migration 0019) and that row's last-active row (0.5), counted on whichever of the two
		// statements lands second (its triggers write them).
		expect(first.byTable.detections! + first.byTable.event_intents!).toBe(2.5 + 3 + 0.5 + 0.5);
		expect(next.byTable.issues ?? 0).toBeLessThanOrEqual(0.05);
	});

	it("a redelivered batch writes no row (4 per event before: unchanged times rewritten, the day's counter updated by 0)", async () => {
		await rowsPerEvent({ users: 20, turn: 0, refusals: true, tools: true });
		const again = await rowsPerEvent({ users: 20, turn: 0, refusals: true, tools: true });
		expect(again.rows).toBe(0);
	});
});
