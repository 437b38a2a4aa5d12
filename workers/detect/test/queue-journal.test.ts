import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { payloadIdOf, type QueueMessage } from "#core/queue-messages";
import { countRows } from "../../shared/test/seed-project";
import { JOURNAL_RESEND_AFTER_MS, resendJournal } from "../src/ingest-batch/queue-journal";
import { eventMessage } from "./messages";

let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_journal_${++n}`;
});

/** What ingest leaves behind when the process dies after answering 202 and before the consumer ran. */
async function orphan(message: QueueMessage, createdAt: number) {
	await env.DB.prepare("INSERT INTO queued_payloads (id, project_id, body, created_at) VALUES (?, ?, ?, ?)")
		.bind(payloadIdOf(message), message.project_id, JSON.stringify(message), createdAt)
		.run();
}

describe("local queue journal: what ingest acknowledged survives a lost queue", () => {
	it("re-sends an orphaned journal row through the real queue; the event is stored once and the row removed", async () => {
		const now = Date.now();
		await orphan(eventMessage(PROJECT, "lost_1"), now - JOURNAL_RESEND_AFTER_MS - 1000);
		await orphan(eventMessage(PROJECT, "lost_2"), now - JOURNAL_RESEND_AFTER_MS - 1000);
		const pass = await resendJournal(env, now);
		expect(pass.resent).toBeGreaterThanOrEqual(2);
		await vi.waitFor(async () => expect(await countRows("events", PROJECT)).toBe(2), { timeout: 20_000, interval: 200 });
		await vi.waitFor(async () => expect(await countRows("queued_payloads", PROJECT)).toBe(0), { timeout: 10_000, interval: 200 });
	});

	it("leaves rows younger than the age alone on the minute pass, and takes every row on the start-up pass", async () => {
		const now = Date.now();
		await orphan(eventMessage(PROJECT, "young"), now - 1000);
		const minute = await resendJournal(env, now);
		const young = await env.DB.prepare("SELECT created_at FROM queued_payloads WHERE project_id = ?").bind(PROJECT).first<number>("created_at");
		expect(young).toBe(now - 1000);
		expect(minute.resent).toBe(0);
		await resendJournal(env, now, 0);
		await vi.waitFor(async () => expect(await countRows("events", PROJECT, "event_id = 'young'")).toBe(1), { timeout: 20_000, interval: 200 });
	});

	it("a re-sent row waits the full age again before a second re-send", async () => {
		// A queue that takes the re-send and loses it again (the process dies a second time).
		const losing = { DB: env.DB, QUEUE_JOURNAL: "d1", EVENTS_QUEUE: { sendBatch: async () => {} } as unknown as Queue };
		const now = Date.now();
		const stuck = eventMessage(PROJECT, "stuck");
		await orphan(stuck, now - JOURNAL_RESEND_AFTER_MS - 1);
		const first = await resendJournal(losing, now);
		expect(first.resent).toBeGreaterThanOrEqual(1);
		expect(await env.DB.prepare("SELECT created_at FROM queued_payloads WHERE id = ?").bind(payloadIdOf(stuck)).first<number>("created_at")).toBe(now);
		const again = await resendJournal(losing, now + 1000);
		expect(again.resent).toBe(0);
		await resendJournal(env, now + JOURNAL_RESEND_AFTER_MS + 1);
		await vi.waitFor(async () => expect(await countRows("events", PROJECT, "event_id = 'stuck'")).toBe(1), { timeout: 20_000, interval: 200 });
	});

	it("a re-send of something already stored stores nothing twice", async () => {
		const message = eventMessage(PROJECT, "twice");
		await orphan(message, 0);
		await resendJournal(env, Date.now(), 0);
		await vi.waitFor(async () => expect(await countRows("queued_payloads", PROJECT)).toBe(0), { timeout: 20_000, interval: 200 });
		// The row is gone; an old reference delivered again (a second re-send raced the first) is a no-op.
		await orphan(message, 0);
		await resendJournal(env, Date.now(), 0);
		await vi.waitFor(async () => expect(await countRows("queued_payloads", PROJECT)).toBe(0), { timeout: 20_000, interval: 200 });
		expect(await countRows("events", PROJECT)).toBe(1);
		expect(await countRows("user_days", PROJECT)).toBe(1);
	});

	it("does nothing without the journal (production: Cloudflare Queues persist before send resolves)", async () => {
		await orphan(eventMessage(PROJECT, "prod"), 0);
		expect(await resendJournal({ ...env, QUEUE_JOURNAL: undefined }, Date.now(), 0)).toEqual({ resent: 0, unreadable: 0 });
		expect(await countRows("queued_payloads", PROJECT)).toBe(1);
	});
});
