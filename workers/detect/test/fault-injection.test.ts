import { createExecutionContext, env, type MessageBatchMessage } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { QueueMessage } from "#core/queue-messages";
import worker from "../src";
import { delivery, eventMessage, recordingBatch } from "./messages";

/**
 * Faults injected into the queue consumer, then redelivery as the queue would do it: whatever was
 * not acked (retried, or the whole batch when the invocation threw or timed out) comes back with
 * attempts + 1. After the last redelivery every event must be stored exactly once, and what is
 * counted from it (tool calls, detections, active-user days) counted once: lost = 0, double = 0.
 * `npm run soak` runs many rounds (VITE_SOAK_FAULT_ROUNDS=50); npm test runs a few.
 */
// vitest hands the host's VITE_* variables to import.meta.env inside workerd (process.env there holds only bindings).
const ROUNDS = Math.max(1, Number((import.meta as unknown as { env: Record<string, string | undefined> }).env.VITE_SOAK_FAULT_ROUNDS ?? 3) || 3);
/** How long the queue runtime waits for a stalled consumer in this simulation before it redelivers the batch. */
const CONSUMER_TIMEOUT_MS = 2_000;
/** Deliveries with no stall injected get far longer, so a slow machine is not mistaken for a timeout. */
const UNSTALLED_TIMEOUT_MS = 60_000;
const BATCH = 12;

let n = 0;
const nextProject = () => `prj_fault_${++n}_${Date.now().toString(36)}`;

afterEach(async () => {
	await env.DB.exec("DROP TRIGGER IF EXISTS poison");
});

/** Events that trigger detections (a refusal, frustration) and carry a tool call, so every counted table gets rows. */
function messages(projectId: string, round: number): QueueMessage[] {
	return Array.from({ length: BATCH }, (_, i) =>
		eventMessage(projectId, `r${round}_e${i}`, {
			user_id: `u${i % 4}`,
			convo_id: `c${i % 3}`,
			input: i % 2 ? "this is useless, you never listen to me" : "Can you export my contacts?",
			output: i % 2 ? "I apologize, I apologize again." : "Sorry, I cannot help with that request.",
			tool_calls: [{ name: "contacts.export", input: { format: "csv" }, output: null, error: "403 Forbidden", duration_ms: 20 }],
		}),
	);
}

type Bindings = typeof env;
type Decision = { action: "ack" | "retry"; delaySeconds?: number };

/**
 * One delivery of `deliveries` to the consumer. A consumer that throws (or outlives `timeoutMs`) has
 * acked nothing the queue will honour: every message comes back, as Cloudflare Queues redelivers a
 * failed invocation's batch.
 */
async function deliver(deliveries: MessageBatchMessage<QueueMessage>[], bindings: Bindings, timeoutMs = UNSTALLED_TIMEOUT_MS) {
	const { batch, decisions } = recordingBatch("barometer-events", deliveries);
	const run = Promise.resolve(worker.queue!(batch, bindings, createExecutionContext()));
	let stop: () => void = () => {};
	const outcome = await Promise.race([
		run.then(
			() => "done" as const,
			() => "threw" as const,
		),
		new Promise<"timeout">((r) => {
			const timer = setTimeout(() => r("timeout"), timeoutMs);
			stop = () => clearTimeout(timer);
		}),
	]);
	stop();
	const snapshot = new Map<string, Decision>(decisions);
	const redeliver = deliveries.filter((d) => outcome !== "done" || snapshot.get(d.id)?.action !== "ack").map((d) => ({ ...d, attempts: d.attempts + 1 }));
	// Decisions a message never got (neither ack nor retry) are redelivered too: the queue treats them as unacked.
	return { outcome, redeliver, run };
}

/** Delivers until nothing is left to redeliver (at most `max` deliveries), with the faults switched off by `heal` after the first. */
async function deliverUntilDone(bodies: QueueMessage[], faulty: Bindings, heal: () => Promise<void> | void, firstTimeoutMs = UNSTALLED_TIMEOUT_MS, max = 6) {
	let pending = bodies.map((b) => delivery(b));
	const outcomes: string[] = [];
	const zombies: Promise<unknown>[] = [];
	for (let attempt = 0; attempt < max && pending.length > 0; attempt++) {
		const { outcome, redeliver, run } = await deliver(pending, attempt === 0 ? faulty : env, attempt === 0 ? firstTimeoutMs : UNSTALLED_TIMEOUT_MS);
		outcomes.push(outcome);
		if (outcome === "timeout") zombies.push(run.catch(() => undefined));
		if (attempt === 0) await heal();
		pending = redeliver;
	}
	return { outcomes, pending, zombies };
}

async function scalar(sql: string, ...args: unknown[]): Promise<number> {
	const row = await env.DB.prepare(sql)
		.bind(...args)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

/** lost and double for every table an event is counted in. */
async function tally(projectId: string, bodies: QueueMessage[]) {
	const ids = bodies.map((b) => (b as Extract<QueueMessage, { type: "event" }>).event.event_id);
	const json = JSON.stringify(ids);
	const inIds = "event_id IN (SELECT value FROM json_each(?))";
	const stored = await scalar(`SELECT count(DISTINCT event_id) AS n FROM events WHERE project_id = ? AND ${inIds}`, projectId, json);
	const eventRows = await scalar(`SELECT count(*) AS n FROM events WHERE project_id = ? AND ${inIds}`, projectId, json);
	const toolCalls = await scalar(`SELECT count(*) AS n FROM tool_calls WHERE project_id = ? AND ${inIds}`, projectId, json);
	const doubleDetections = await scalar(
		"SELECT count(*) AS n FROM (SELECT 1 FROM detections WHERE project_id = ? GROUP BY event_id, signal HAVING count(*) > 1)",
		projectId,
	);
	const detections = await scalar("SELECT count(*) AS n FROM detections WHERE project_id = ?", projectId);
	const userDays = await scalar("SELECT count(*) AS n FROM user_days WHERE project_id = ?", projectId);
	const users = new Set(bodies.map((b) => (b as Extract<QueueMessage, { type: "event" }>).event.user_id)).size;
	const doubleIntents = await scalar(
		"SELECT count(*) AS n FROM (SELECT 1 FROM event_intents WHERE project_id = ? GROUP BY event_id HAVING count(*) > 1)",
		projectId,
	);
	return {
		lost: ids.length - stored,
		double: eventRows - stored + Math.max(0, toolCalls - ids.length) + doubleDetections + Math.max(0, userDays - users) + doubleIntents,
		toolCalls,
		detections,
		userDays,
		users,
	};
}

/** A D1 binding whose batch() misbehaves as `fault` says, call by call; everything else is the real database. */
function faultyDb(fault: (call: number, run: () => Promise<unknown>) => Promise<unknown>) {
	let calls = 0;
	const db = new Proxy(env.DB, {
		get(target, prop) {
			const value = Reflect.get(target, prop) as unknown;
			if (prop === "batch") return (...args: unknown[]) => fault(++calls, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { ...env, DB: db } as Bindings;
}

async function expectExactlyOnce(projectId: string, bodies: QueueMessage[]) {
	const counts = await tally(projectId, bodies);
	expect({ lost: counts.lost, double: counts.double }).toEqual({ lost: 0, double: 0 });
	expect(counts.toolCalls).toBe(bodies.length);
	expect(counts.detections).toBeGreaterThan(0);
	expect(counts.userDays).toBe(counts.users);
	// The day's count is added per batch (migration 0035): each stored event once, whatever path stored it.
	expect(await scalar("SELECT coalesce(sum(events), 0) AS n FROM event_days WHERE project_id = ?", projectId)).toBe(bodies.length);
}

// The encoder is loaded once per isolate and a failed load is not cached, so its faults run first,
// before any test loads it for good. A fault in embed() after the load cannot be injected without a
// seam in consume-batch.ts (it calls sentenceEncoder(env) itself).
describe("fault injection: the sentence encoder fails to load (its assets binding errors)", () => {
	it(`the batch fails as a whole, and its redelivery stores every event once (${ROUNDS} rounds)`, { timeout: 60_000 + ROUNDS * 10_000 }, async () => {
		// Every round fails before the encoder is ever loaded (once loaded, it stays for the isolate's life).
		const rounds = [];
		for (let round = 0; round < ROUNDS; round++) {
			const projectId = nextProject();
			const bodies = messages(projectId, round);
			const broken =
				round % 2
					? { fetch: async () => new Response("unavailable", { status: 503 }) }
					: { fetch: async () => Promise.reject(new Error("assets binding down")) };
			const failed = await deliver(
				bodies.map((b) => delivery(b)),
				{ ...env, USE_LITE_ASSETS: broken as unknown as Fetcher },
			);
			expect(failed.outcome).toBe("threw");
			expect(failed.redeliver).toHaveLength(bodies.length);
			expect(await scalar("SELECT count(*) AS n FROM events WHERE project_id = ?", projectId)).toBe(0);
			rounds.push({ projectId, bodies, pending: failed.redeliver });
		}
		for (const { projectId, bodies, pending } of rounds) {
			const healed = await deliver(pending, env);
			expect(healed.redeliver).toEqual([]);
			await expectExactlyOnce(projectId, bodies);
		}
	});
});

describe("fault injection: D1", () => {
	it(`a D1 error on the first batch() call: messages are written one by one, a redelivery of all changes nothing (${ROUNDS} rounds)`, {
		timeout: 60_000 + ROUNDS * 10_000,
	}, async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const projectId = nextProject();
			const bodies = messages(projectId, round);
			const faulty = faultyDb((call, run) => (call === 1 ? Promise.reject(new Error("D1_ERROR: injected")) : run()));
			const { outcomes, pending } = await deliverUntilDone(bodies, faulty, () => undefined);
			expect(outcomes[0]).toBe("done");
			expect(pending).toEqual([]);
			// The queue may deliver an acked batch again (at-least-once): nothing may count twice.
			await deliverUntilDone(bodies, env, () => undefined);
			await expectExactlyOnce(projectId, bodies);
		}
	});

	it(`D1 down for the whole first delivery: every message is retried, and stored once when it comes back (${ROUNDS} rounds)`, {
		timeout: 60_000 + ROUNDS * 10_000,
	}, async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const projectId = nextProject();
			const bodies = messages(projectId, round);
			const faulty = faultyDb(() => Promise.reject(new Error("D1_ERROR: Network connection lost.")));
			const { outcomes, pending } = await deliverUntilDone(bodies, faulty, () => undefined);
			expect(outcomes.length).toBeGreaterThanOrEqual(2);
			expect(pending).toEqual([]);
			await expectExactlyOnce(projectId, bodies);
		}
	});

	it(`a row refused mid-batch (a trigger on one event's tool call, after its event row): only that message is retried, and stored once with its tool call (${ROUNDS} rounds)`, {
		timeout: 60_000 + ROUNDS * 10_000,
	}, async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const projectId = nextProject();
			const bodies = messages(projectId, round);
			const poisoned = `r${round}_e${round % BATCH}`;
			await env.DB.exec(`CREATE TRIGGER poison BEFORE INSERT ON tool_calls WHEN NEW.event_id = '${poisoned}' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
			let pending = bodies.map((b) => delivery(b));
			const first = await deliver(pending, env);
			expect(first.outcome).toBe("done");
			expect(first.redeliver.map((d) => (d.body as Extract<QueueMessage, { type: "event" }>).event.event_id)).toEqual([poisoned]);
			// The refused message's event row was rolled back with its tool call: nothing half-stored.
			expect(await scalar("SELECT count(*) AS n FROM events WHERE project_id = ? AND event_id = ?", projectId, poisoned)).toBe(0);
			await env.DB.exec("DROP TRIGGER poison");
			pending = first.redeliver;
			const second = await deliver(pending, env);
			expect(second.redeliver).toEqual([]);
			await expectExactlyOnce(projectId, bodies);
		}
	});

	it(`a D1 batch that commits but never answers (the consumer times out): the redelivery, and the stalled run finishing late, count nothing twice (${ROUNDS} rounds)`, {
		timeout: 60_000 + ROUNDS * (CONSUMER_TIMEOUT_MS + 10_000),
	}, async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const projectId = nextProject();
			const bodies = messages(projectId, round);
			let release: () => void = () => undefined;
			const stalled = new Promise<void>((r) => (release = r));
			// Committed, then the answer is held back past the consumer's time: an ack that never came.
			const faulty = faultyDb((call, run) => (call === 1 ? run().then(async (result) => (await stalled, result)) : run()));
			const { outcomes, pending, zombies } = await deliverUntilDone(bodies, faulty, () => undefined, CONSUMER_TIMEOUT_MS);
			expect(outcomes[0]).toBe("timeout");
			expect(pending).toEqual([]);
			await expectExactlyOnce(projectId, bodies);
			release();
			await Promise.all(zombies);
			await expectExactlyOnce(projectId, bodies);
		}
	});

	it(`a D1 batch slower than the consumer's time that never commits: the redelivery stores every event once (${ROUNDS} rounds)`, {
		timeout: 60_000 + ROUNDS * (CONSUMER_TIMEOUT_MS + 10_000),
	}, async () => {
		for (let round = 0; round < ROUNDS; round++) {
			const projectId = nextProject();
			const bodies = messages(projectId, round);
			let fail: (e: Error) => void = () => undefined;
			const hung = new Promise<never>((_, reject) => (fail = reject));
			const faulty = faultyDb((call, run) => (call === 1 ? hung : run()));
			const { outcomes, pending, zombies } = await deliverUntilDone(bodies, faulty, () => undefined, CONSUMER_TIMEOUT_MS);
			expect(outcomes[0]).toBe("timeout");
			expect(pending).toEqual([]);
			// The stalled call finally fails: the late run falls back to one by one, which must not add rows.
			fail(new Error("D1_ERROR: timed out"));
			await Promise.all(zombies);
			await expectExactlyOnce(projectId, bodies);
		}
	});
});
