import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { PENDING_EVENT_TIMEOUT_MS } from "#core/pending-events/pending-event-merge";
import type { EventPartialMessage } from "#core/queue-messages";
import worker from "../src";
import { consumeBatch } from "../src/ingest-batch/consume-batch";
import { mergeParts } from "../src/ingest-batch/pending-event-merges";
import { countRows } from "../../shared/test/seed-project";
import { delivery, recordingBatch } from "./messages";

let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_pending_${++n}`;
});

const part = (eventId: string, partId: string, event: Partial<EventPartialMessage["event"]>, final = false, receivedAt = Date.now()): EventPartialMessage => ({
	v: 1,
	type: "event_partial",
	project_id: PROJECT,
	received_at: receivedAt,
	part_id: partId,
	final,
	event: { event_id: eventId, properties: {}, attachments: [], ...event },
});

async function consume(...bodies: EventPartialMessage[]) {
	const deliveries = bodies.map((b) => delivery(b));
	const { batch, decisions } = recordingBatch("barometer-events", deliveries);
	await consumeBatch(batch, env);
	return deliveries.map((d) => decisions.get(d.id)?.action);
}

async function cron(scheduledTime: number) {
	const ctx = createExecutionContext();
	await worker.scheduled!(createScheduledController({ cron: "* * * * *", scheduledTime }), env, ctx);
	await waitOnExecutionContext(ctx);
}

describe("events sent in parts (pending_events)", () => {
	it("stores one event when the final part is merged, and a redelivered final part stores nothing more", async () => {
		const final = part("e1", "p2", { output: "done", properties: { b: 2 } }, true);
		expect(await consume(part("e1", "p1", { user_id: "u1", input: "go", properties: { a: 1 } }), final)).toEqual(["ack", "ack"]);
		const row = await env.DB.prepare("SELECT input, output, properties FROM events WHERE project_id = ? AND event_id = 'e1'")
			.bind(PROJECT)
			.first<{ properties: string }>();
		expect(row).toMatchObject({ input: "go", output: "done" });
		expect(JSON.parse(row!.properties)).toEqual({ a: 1, b: 2 });
		expect(await consume(final)).toEqual(["ack"]);
		expect(await countRows("events", PROJECT)).toBe(1);
		expect(await countRows("dead_letters", PROJECT)).toBe(0);
		const days = await env.DB.prepare("SELECT sum(events) AS n FROM event_days WHERE project_id = ?").bind(PROJECT).first<{ n: number }>();
		expect(days!.n).toBe(1);
	});

	it("loses no part when consumers in many isolates merge parts of one event at once (compare-and-set)", async () => {
		const parts = Array.from({ length: 8 }, (_, i) => part("busy", `p${i}`, { user_id: "u1", properties: { [`k${i}`]: i } }));
		const outcomes = await Promise.all(parts.map((message) => mergeParts(env.DB, [{ key: message.part_id, message }])));
		const retried = outcomes.filter((o) => [...o.values()][0]!.kind === "retry").length;
		const row = await env.DB.prepare("SELECT merged, parts FROM pending_events WHERE project_id = ?").bind(PROJECT).first<{ merged: string; parts: string }>();
		expect(JSON.parse(row!.parts)).toHaveLength(8 - retried);
		expect(Object.keys(JSON.parse(row!.merged).properties)).toHaveLength(8 - retried);
	});

	it("the cron stores an event never finished once no part came for the timeout, through the queue, exactly once", async () => {
		const t0 = Date.now();
		await consume(part("open", "p1", { user_id: "u1", input: "hello?", model: "m" }));
		await cron(t0 + 60_000);
		expect(await countRows("pending_events", PROJECT, "finalized_at IS NULL")).toBe(1);
		await cron(t0 + PENDING_EVENT_TIMEOUT_MS + 60_000);
		await vi.waitFor(async () => expect(await countRows("events", PROJECT, "event_id = 'open' AND input = 'hello?'")).toBe(1), {
			timeout: 20_000,
			interval: 200,
		});
		expect(await countRows("pending_events", PROJECT, "finalized_at IS NOT NULL")).toBe(1);
		await cron(t0 + PENDING_EVENT_TIMEOUT_MS + 120_000);
		const days = await env.DB.prepare("SELECT sum(events) AS n FROM event_days WHERE project_id = ?").bind(PROJECT).first<{ n: number }>();
		expect(days!.n).toBe(1);
	});

	it("the cron dead-letters a timed-out event that never got a user_id, with the reason", async () => {
		const t0 = Date.now();
		await consume(part("nouser", "p1", { input: "who am I" }));
		await cron(t0 + PENDING_EVENT_TIMEOUT_MS + 60_000);
		const letter = await env.DB.prepare("SELECT reason FROM dead_letters WHERE project_id = ?").bind(PROJECT).first<{ reason: string }>();
		expect(letter!.reason).toMatch(/never finished, timed out after 10 minutes.*user_id: is required/);
		expect(await countRows("events", PROJECT)).toBe(0);
	});
});
