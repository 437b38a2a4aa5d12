import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { STORED_TEXT_CHARS } from "#core/event-bodies";
import type { QueueMessage } from "#core/queue-messages";
import worker from "../src";
import { issuePorts } from "../src/ingest-batch/consume-batch";
import { purgeExpiredData } from "../src/maintenance/retention";
import { batchOf, delivery, eventMessage } from "./messages";

let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_bodies_${++n}`;
});

const DAY = 86_400_000;
/** A long answer: numbered steps, with a word that appears only past what D1 keeps. */
const answer = (tag: string, steps = 60) =>
	`${Array.from({ length: steps }, (_, i) => `Step ${i + 1}: open the ${tag} settings page and check the value in row ${i + 1} before saving. `).join("")}Finally: zanzibar.`;

async function consume(batch: MessageBatch<unknown>, bindings: typeof env = env) {
	const ctx = createExecutionContext();
	await worker.queue!(batch, bindings, ctx);
	return getQueueResult(batch, ctx);
}

const row = (eventId: string, projectId = PROJECT) =>
	env.DB.prepare("SELECT input, output, body_key FROM events WHERE project_id = ? AND event_id = ?")
		.bind(projectId, eventId)
		.first<{ input: string | null; output: string | null; body_key: string | null }>();
const objects = async (projectId = PROJECT) => (await env.BODIES.list({ prefix: `bodies/${projectId}/` })).objects.map((o) => o.key);
const body = async (key: string) => (await (await env.BODIES.get(key))!.json()) as { input: string | null; output: string | null };

describe("long texts in R2", () => {
	it("keeps the first characters of a long text in D1 and the whole texts in R2; a short event stays whole in D1", async () => {
		const output = answer("billing");
		expect(output.length).toBeGreaterThan(2 * STORED_TEXT_CHARS);
		const result = await consume(
			batchOf([
				eventMessage(PROJECT, "long", { input: "How do I resend an invoice?", output }),
				eventMessage(PROJECT, "short", { input: "hi", output: "hello" }),
			]),
		);
		expect(result.ackAll).toBe(true);
		const long = (await row("long"))!;
		expect(long.input).toBe("How do I resend an invoice?");
		expect(long.output).toBe(output.slice(0, STORED_TEXT_CHARS));
		expect(long.body_key).toMatch(new RegExp(`^bodies/${PROJECT}/long/[0-9a-f]{32}\\.json$`));
		expect(await body(long.body_key!)).toEqual({ input: "How do I resend an invoice?", output });
		expect(await row("short")).toEqual({ input: "hi", output: "hello", body_key: null });
		expect(await objects()).toEqual([long.body_key]);
		// The full-text index holds what D1 keeps: a word only past it is not found there.
		const match = (word: string) =>
			env.DB.prepare("SELECT count(*) AS n FROM events_fts f JOIN events e ON e.rowid = f.rowid WHERE e.project_id = ? AND events_fts MATCH ?")
				.bind(PROJECT, word)
				.first<{ n: number }>();
		expect((await match("billing"))!.n).toBe(1);
		expect((await match("zanzibar"))!.n).toBe(0);
	});

	it("writes the texts of the event D1 kept: a second event with the same id and other texts writes nothing to R2", async () => {
		const first = answer("first");
		const second = answer("second");
		expect((await consume(batchOf([eventMessage(PROJECT, "dup", { output: first })]))).ackAll).toBe(true);
		expect((await consume(batchOf([eventMessage(PROJECT, "dup", { output: second })]))).ackAll).toBe(true);
		const stored = (await row("dup"))!;
		expect(stored.output).toBe(first.slice(0, STORED_TEXT_CHARS));
		expect(await objects()).toEqual([stored.body_key]);
		expect((await body(stored.body_key!)).output).toBe(first);
		// A redelivery of the first writes the same object again, and nothing else.
		expect((await consume(batchOf([eventMessage(PROJECT, "dup", { output: first })]))).ackAll).toBe(true);
		expect(await objects()).toEqual([stored.body_key]);
	});

	it("retries the message whose texts R2 refused, acks the others, and stores the texts on redelivery", async () => {
		const refusing = new Proxy(env.BODIES, {
			get(target, prop) {
				if (prop === "put") return async () => Promise.reject(new Error("R2 unavailable"));
				const value = Reflect.get(target, prop);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		const output = answer("outage");
		const longMessage = eventMessage(PROJECT, "held", { output });
		const deliveries = [delivery(longMessage), delivery(eventMessage(PROJECT, "fine"))];
		const result = await consume(createMessageBatch("barometer-events", deliveries), { ...env, BODIES: refusing });
		expect(result.ackAll).toBe(false);
		expect(result.explicitAcks).toEqual([deliveries[1]!.id]);
		expect(result.retryMessages.map((m) => m.msgId)).toEqual([deliveries[0]!.id]);
		expect(await objects()).toEqual([]);
		// The redelivery finds its row stored and writes the texts.
		expect((await consume(createMessageBatch("barometer-events", [delivery(longMessage, 2)]))).ackAll).toBe(true);
		const stored = (await row("held"))!;
		expect((await body(stored.body_key!)).output).toBe(output);
	});

	it("deletes an expired event's texts from R2 with its row (retention)", async () => {
		const now = Date.now();
		await env.DB.prepare("INSERT INTO projects (id, name, created_at, retention_days) VALUES (?, ?, ?, 30)")
			.bind(PROJECT, PROJECT, now - 60 * DAY)
			.run();
		const messages: QueueMessage[] = [
			eventMessage(PROJECT, "old", { timestamp: now - 40 * DAY, output: answer("old") }),
			eventMessage(PROJECT, "new", { timestamp: now - DAY, output: answer("new") }),
		];
		expect((await consume(batchOf(messages))).ackAll).toBe(true);
		const kept = (await row("new"))!.body_key;
		expect(await objects()).toHaveLength(2);
		await purgeExpiredData(await issuePorts(env), now);
		expect(await row("old")).toBeNull();
		expect(await objects()).toEqual([kept]);
	});
});
