import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import worker from "../src";
import { countD1 } from "../src/d1-counters";
import { countRows } from "../../shared/test/seed-project";
import { batchOf, delivery, eventMessage, recordingBatch } from "./messages";

// Every test here ends with the trigger-kept aggregates (issue_days, issue_user_days, intent_signal_days) equal to a recount.
afterEach(async () => {
	await expectAggregatesMatch();
});

// Storage is shared by the tests of a file, so each test writes under its own project.
let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_detect_${++n}`;
});

const DAY = 86_400_000;
const eventDays = async () =>
	(await env.DB.prepare("SELECT day, events FROM event_days WHERE project_id = ? ORDER BY day").bind(PROJECT).all<{ day: number; events: number }>()).results;

async function consume(batch: MessageBatch<unknown>, bindings: typeof env = env) {
	const ctx = createExecutionContext();
	await worker.queue!(batch, bindings, ctx);
	return getQueueResult(batch, ctx);
}

/** The real D1 binding, recording the size of each batch() round trip the consumer makes. */
function countingDb() {
	const counter = { sizes: [] as number[] };
	const db = new Proxy(env.DB, {
		get(target, prop) {
			const value = Reflect.get(target, prop) as unknown;
			if (prop === "batch")
				return (...args: unknown[]) => (counter.sizes.push((args[0] as unknown[]).length), (value as (...a: unknown[]) => unknown).apply(target, args));
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { bindings: { ...env, DB: db }, counter };
}

afterEach(async () => {
	await env.DB.exec("DROP TRIGGER IF EXISTS poison");
});

describe("queue consumer: storing", () => {
	it("stores a whole queue batch in one D1 batch and acks it (intents and issues follow in their own phase)", async () => {
		const { bindings, counter } = countingDb();
		const bodies = Array.from({ length: 20 }, (_, i) =>
			eventMessage(PROJECT, `e${i}`, { tool_calls: [{ name: "lookup", input: null, output: "ok", error: null, duration_ms: 5 }] }),
		);
		const result = await consume(batchOf(bodies), bindings);
		expect(result.ackAll).toBe(true);
		expect(result.retryMessages).toEqual([]);
		// Each event writes its row, its user, pending-signal updates, its tool call and its active-user day:
		// all twenty messages' rows travel in the first round trip.
		expect(counter.sizes[0]).toBeGreaterThanOrEqual(20 * 5);
		expect(await countRows("events", PROJECT)).toBe(20);
		expect(await countRows("tool_calls", PROJECT)).toBe(20);
	});

	it("stores a duplicate delivery once, within a batch and across batches", async () => {
		const body = eventMessage(PROJECT, "same");
		await consume(batchOf([body, body]));
		await consume(batchOf([body]));
		expect(await countRows("events", PROJECT, "event_id = 'same'")).toBe(1);
		expect(await countRows("conversations", PROJECT)).toBe(1);
		expect((await eventDays()).map((d) => d.events)).toEqual([1]);
	});

	it("counts each stored event once in its day, on the day of the copy stored, when a batch holds two copies from different days", async () => {
		// A retried request whose event had no timestamp is stamped again when received: the copies can fall on two days.
		const t = Date.UTC(2026, 5, 1, 23, 59, 59);
		const first = eventMessage(PROJECT, "twice", { timestamp: t });
		const retried = eventMessage(PROJECT, "twice", { timestamp: t + 2000 });
		await consume(batchOf([first, retried, eventMessage(PROJECT, "other", { timestamp: t + 2000 })]));
		const stored = await env.DB.prepare("SELECT timestamp FROM events WHERE project_id = ? AND event_id = 'twice'").bind(PROJECT).first<number>("timestamp");
		expect(stored).toBe(t);
		expect(await eventDays()).toEqual([
			{ day: Math.floor(t / DAY), events: 1 },
			{ day: Math.floor(t / DAY) + 1, events: 1 },
		]);
		// Redelivered: nothing added.
		await consume(batchOf([retried]));
		expect((await eventDays()).reduce((n, d) => n + d.events, 0)).toBe(2);
	});

	it("keeps the first time of a conversation and a user in any arrival order, and writes their rows only when it moves", async () => {
		const t = Date.UTC(2026, 5, 1);
		await consume(batchOf([eventMessage(PROJECT, "b", { timestamp: t + 60_000 }), eventMessage(PROJECT, "a", { timestamp: t })]));
		const firstSeen = async () => ({
			convo: await env.DB.prepare("SELECT first_seen FROM conversations WHERE project_id = ?").bind(PROJECT).first("first_seen"),
			user: await env.DB.prepare("SELECT first_seen FROM users WHERE project_id = ?").bind(PROJECT).first("first_seen"),
		});
		expect(await firstSeen()).toEqual({ convo: t, user: t });
		// A later turn of the same conversation and user rewrites neither row (last seen is read from events).
		const counts = countD1(env.DB);
		await consume(batchOf([eventMessage(PROJECT, "c", { timestamp: t + 30_000 })]));
		const written = (table: string) =>
			counts()
				.byStatement.filter((st) => st.sql.startsWith(`insert into "${table}"`))
				.reduce((n, st) => n + st.rowsWritten, 0);
		expect(counts().counted).toBe(true);
		expect(written("events")).toBeGreaterThan(0);
		expect(written("users")).toBe(0);
		expect(written("conversations")).toBe(0);
		// An earlier one arriving late moves the first time.
		await consume(batchOf([eventMessage(PROJECT, "z", { timestamp: t - 60_000 })]));
		expect(await firstSeen()).toEqual({ convo: t - 60_000, user: t - 60_000 });
	});

	it("applies an older identify only where a newer one left traits unset", async () => {
		const identify = (traits: Record<string, unknown>, timestamp: number) => ({
			v: 1,
			type: "identify",
			project_id: PROJECT,
			received_at: Date.now(),
			identify: { user_id: "u1", traits, timestamp },
		});
		await consume(batchOf([identify({ plan: "pro" }, 2000)]));
		await consume(batchOf([identify({ plan: "free", locale: "de" }, 1000)]));
		const row = await env.DB.prepare("SELECT traits, traits_updated_at FROM users WHERE project_id = ?")
			.bind(PROJECT)
			.first<{ traits: string; traits_updated_at: number }>();
		expect(JSON.parse(row!.traits)).toEqual({ plan: "pro", locale: "de" });
		expect(row!.traits_updated_at).toBe(2000);
	});
});

describe("queue consumer: failures", () => {
	it("retries only the message that fails, with a backoff delay, and stores the others", async () => {
		// A trigger makes D1 refuse one specific row, as a real constraint or outage would.
		await env.DB.exec("CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.event_id = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END");
		const deliveries = [delivery(eventMessage(PROJECT, "ok1")), delivery(eventMessage(PROJECT, "poison"), 3), delivery(eventMessage(PROJECT, "ok2"))];
		const result = await consume(createMessageBatch("barometer-events", deliveries));
		expect(result.ackAll).toBe(false);
		expect(result.explicitAcks).toEqual([deliveries[0]!.id, deliveries[2]!.id]);
		expect(result.retryMessages.map((m) => m.msgId)).toEqual([deliveries[1]!.id]);
		expect(await countRows("events", PROJECT)).toBe(2);
	});

	it("backs off longer as a message keeps failing", async () => {
		await env.DB.exec("CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.event_id = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END");
		const delays: number[] = [];
		for (const attempts of [1, 4, 8]) {
			const { batch, decisions } = recordingBatch("barometer-events", [delivery(eventMessage(PROJECT, "poison"), attempts)]);
			await worker.queue!(batch, env, createExecutionContext());
			const decision = [...decisions.values()][0]!;
			expect(decision.action).toBe("retry");
			delays.push(decision.delaySeconds!);
		}
		expect(delays[0]).toBeLessThanOrEqual(2);
		expect(delays[1]).toBeGreaterThanOrEqual(8);
		expect(delays[2]).toBeGreaterThanOrEqual(128);
	});

	it("stores a retried message once D1 accepts it again", async () => {
		await env.DB.exec("CREATE TRIGGER poison BEFORE INSERT ON events WHEN NEW.event_id = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END");
		const body = eventMessage(PROJECT, "poison");
		expect((await consume(batchOf([body]))).retryMessages).toHaveLength(1);
		await env.DB.exec("DROP TRIGGER poison");
		const redelivery = createMessageBatch("barometer-events", [delivery(body, 2)]);
		expect((await consume(redelivery)).ackAll).toBe(true);
		expect(await countRows("events", PROJECT, "event_id = 'poison'")).toBe(1);
	});

	it("records a message that is not a valid message in dead_letters and acks it", async () => {
		const bad = { v: 1, type: "event", project_id: PROJECT, received_at: Date.now(), event: { event_id: "x" } };
		const result = await consume(batchOf([bad, eventMessage(PROJECT, "fine")]));
		expect(result.ackAll).toBe(true);
		expect(await countRows("events", PROJECT)).toBe(1);
		const letter = await env.DB.prepare("SELECT reason, body FROM dead_letters WHERE project_id = ?").bind(PROJECT).first<{ reason: string; body: string }>();
		expect(letter!.reason).toMatch(/^invalid message/);
		expect(JSON.parse(letter!.body)).toEqual(bad);
	});

	it("records what reaches the dead-letter queue, once per message", async () => {
		const batch = batchOf([eventMessage(PROJECT, "gave_up")], "barometer-events-dlq");
		expect((await consume(batch)).ackAll).toBe(true);
		expect((await consume(batch)).ackAll).toBe(true);
		expect(await countRows("dead_letters", PROJECT, "reason = 'retries exhausted'")).toBe(1);
		expect(await countRows("events", PROJECT)).toBe(0);
	});
});
