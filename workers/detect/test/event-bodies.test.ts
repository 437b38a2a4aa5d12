import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/d1";
import { parseBodyRef, STORED_TEXT_CHARS, STORED_TOOL_CHARS } from "#core/event-bodies";
import type { EventMessage } from "#core/queue-messages";
import * as schema from "#db/schema";
import { linkWrites } from "../src/ingest-batch/event-links";
import { EventBodyStore, eventBodyStore } from "#shared/adapters/event-body-store";
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
	env.DB.prepare("SELECT input, output, body_ref FROM events WHERE project_id = ? AND event_id = ?")
		.bind(projectId, eventId)
		.first<{ input: string | null; output: string | null; body_ref: string | null }>();
const objects = async (projectId = PROJECT) => (await env.BODIES.list({ prefix: `bodies/${projectId}/` })).objects.map((o) => o.key);
const open = async (ref: string) => (await eventBodyStore(env).get([ref])).get(ref);
const objectOf = (ref: string) => parseBodyRef(ref)!.object;

describe("long texts in R2", () => {
	it("keeps the first characters of a long text in D1 and the batch's whole texts in one R2 object; a short event stays whole in D1", async () => {
		const output = answer("billing");
		expect(output.length).toBeGreaterThan(2 * STORED_TEXT_CHARS);
		const result = await consume(
			batchOf([
				eventMessage(PROJECT, "long", { input: "How do I resend an invoice?", output }),
				eventMessage(PROJECT, "other", { input: answer("profile"), output: "Done." }),
				eventMessage(PROJECT, "short", { input: "hi", output: "hello" }),
			]),
		);
		expect(result.ackAll).toBe(true);
		const long = (await row("long"))!;
		expect(long.input).toBe("How do I resend an invoice?");
		expect(long.output).toBe(output.slice(0, STORED_TEXT_CHARS));
		expect(await open(long.body_ref!)).toEqual({ input: "How do I resend an invoice?", output });
		const other = (await row("other"))!;
		expect(await open(other.body_ref!)).toEqual({ input: answer("profile"), output: "Done." });
		expect(await row("short")).toEqual({ input: "hi", output: "hello", body_ref: null });
		// One object for the batch, named by the project and the day of its newest event.
		expect(await objects()).toEqual([objectOf(long.body_ref!)]);
		expect(objectOf(other.body_ref!)).toBe(objectOf(long.body_ref!));
		expect(objectOf(long.body_ref!)).toMatch(new RegExp(`^bodies/${PROJECT}/\\d{4}-\\d{2}-\\d{2}/[^/]+\\.bin$`));
		// The full-text index holds what D1 keeps: a word only past it is not found there.
		const match = (word: string) =>
			env.DB.prepare("SELECT count(*) AS n FROM events_fts f JOIN events e ON e.rowid = f.rowid WHERE e.project_id = ? AND events_fts MATCH ?")
				.bind(PROJECT, word)
				.first<{ n: number }>();
		expect((await match("billing"))!.n).toBe(1);
		expect((await match("zanzibar"))!.n).toBe(0);
	});

	it("keeps the first 500 characters of a long tool payload in D1 and the whole call in the batch's object", async () => {
		const page = JSON.stringify({ results: Array.from({ length: 40 }, (_, i) => ({ title: `Result ${i}`, snippet: `Snippet number ${i} about invoices.` })) });
		expect(page.length).toBeGreaterThan(STORED_TOOL_CHARS);
		const calls = [
			{ name: "search", input: '{"q":"invoices"}', output: page },
			{ name: "small", input: null, output: "ok" },
		];
		expect((await consume(batchOf([eventMessage(PROJECT, "tools", { tool_calls: calls })]))).ackAll).toBe(true);
		const rows = (
			await env.DB.prepare("SELECT idx, input, output, body_ref FROM tool_calls WHERE project_id = ? AND event_id = 'tools' ORDER BY idx")
				.bind(PROJECT)
				.all<{ idx: number; input: string | null; output: string | null; body_ref: string | null }>()
		).results;
		expect(rows.map((r) => [r.input, r.output])).toEqual([
			['{"q":"invoices"}', page.slice(0, STORED_TOOL_CHARS)],
			[null, "ok"],
		]);
		expect(rows[1]!.body_ref).toBeNull();
		expect(await open(rows[0]!.body_ref!)).toEqual({ input: '{"q":"invoices"}', output: page });
		// The event's own texts are short: the object holds the call alone.
		expect((await row("tools"))!.body_ref).toBeNull();
		expect(await objects()).toEqual([objectOf(rows[0]!.body_ref!)]);
	});

	it("keeps the first 500 characters of a long attachment in D1 and the whole attachments with the event's texts", async () => {
		const code = Array.from({ length: 120 }, (_, i) => `const line${i} = compute(${i});`).join("\n");
		const attachments = [
			{ type: "code", name: "main.ts", role: "input", value: code },
			{ type: "url", value: "https://example.com" },
		];
		expect((await consume(batchOf([eventMessage(PROJECT, "attached", { input: "why does this fail?", attachments })]))).ackAll).toBe(true);
		const stored = (await env.DB.prepare("SELECT attachments, body_ref FROM events WHERE project_id = ? AND event_id = 'attached'")
			.bind(PROJECT)
			.first<{ attachments: string; body_ref: string }>())!;
		expect(JSON.parse(stored.attachments)).toEqual([{ ...attachments[0], value: code.slice(0, STORED_TOOL_CHARS) }, attachments[1]]);
		expect(await open(stored.body_ref)).toEqual({ input: "why does this fail?", output: "hi", attachments });
	});

	it("seals a long tool call that spans add to a stored event, once: a retried export adds nothing", async () => {
		expect((await consume(batchOf([eventMessage(PROJECT, "app")]))).ackAll).toBe(true);
		const output = answer("tool", 20);
		const spans = eventMessage(PROJECT, "app", { tool_calls: [{ name: "fetch_page", input: `{"url":"https://example.com/${"a".repeat(600)}"}`, output }] });
		const db = drizzle(env.DB, { schema });
		for (let attempt = 0; attempt < 2; attempt++) {
			const writes = await linkWrites(env.DB, db, [spans as EventMessage], "trace/1", eventBodyStore(env));
			if (writes.length) await db.batch(writes as [(typeof writes)[number], ...typeof writes]);
		}
		const rows = (
			await env.DB.prepare("SELECT idx, name, body_ref FROM tool_calls WHERE project_id = ? AND event_id = 'app'")
				.bind(PROJECT)
				.all<{ idx: number; name: string; body_ref: string }>()
		).results;
		expect(rows.map((r) => [r.idx, r.name])).toEqual([[0, "fetch_page"]]);
		expect((await open(rows[0]!.body_ref))!.output).toBe(output);
	});

	it("keeps the texts of the event D1 kept: a second event with the same id and other texts opens nowhere", async () => {
		const first = answer("first");
		expect((await consume(batchOf([eventMessage(PROJECT, "dup", { output: first })]))).ackAll).toBe(true);
		const stored = (await row("dup"))!;
		expect((await consume(batchOf([eventMessage(PROJECT, "dup", { output: answer("second") })]))).ackAll).toBe(true);
		expect(await row("dup")).toEqual(stored);
		expect((await open(stored.body_ref!))!.output).toBe(first);
		// The second batch wrote its own object, sealed with a key no row holds.
		const refs = (await env.DB.prepare("SELECT body_ref FROM events WHERE project_id = ?").bind(PROJECT).all<{ body_ref: string }>()).results;
		expect((await objects()).length).toBe(2);
		expect(refs.map((r) => objectOf(r.body_ref))).toEqual([objectOf(stored.body_ref!)]);
	});

	it("retries the whole batch when R2 refuses its long texts, storing nothing, and stores it all on redelivery", async () => {
		const refusing = new Proxy(env.BODIES, {
			get(target, prop) {
				if (prop === "put") return async () => Promise.reject(new Error("R2 unavailable"));
				const value = Reflect.get(target, prop);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		const output = answer("outage");
		const bodies = [eventMessage(PROJECT, "held", { output }), eventMessage(PROJECT, "fine")];
		const deliveries = bodies.map((b) => delivery(b));
		const result = await consume(createMessageBatch("barometer-events", deliveries), { ...env, BODIES: refusing });
		expect(result.ackAll).toBe(false);
		expect(result.explicitAcks).toEqual([]);
		expect(result.retryMessages.map((m) => m.msgId)).toEqual(deliveries.map((d) => d.id));
		expect(await row("held")).toBeNull();
		expect(await row("fine")).toBeNull();
		expect(
			(
				await consume(
					createMessageBatch(
						"barometer-events",
						bodies.map((b) => delivery(b, 2)),
					),
				)
			).ackAll,
		).toBe(true);
		expect((await open((await row("held"))!.body_ref!))!.output).toBe(output);
		expect(await row("fine")).not.toBeNull();
	});

	it("shows what D1 keeps when R2 fails to read the texts", async () => {
		const output = answer("unreadable");
		expect((await consume(batchOf([eventMessage(PROJECT, "dark", { output })]))).ackAll).toBe(true);
		const ref = (await row("dark"))!.body_ref!;
		const failing = new Proxy(env.BODIES, {
			get(target, prop) {
				if (prop === "get") return async () => Promise.reject(new Error("R2 unavailable"));
				const value = Reflect.get(target, prop);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		expect((await new EventBodyStore(failing).get([ref])).size).toBe(0);
		expect((await open(ref))!.output).toBe(output);
	});

	it("deletes an object once every event in it has expired (retention), and keeps the others", async () => {
		const now = Date.now();
		await env.DB.prepare("INSERT INTO projects (id, name, created_at, retention_days) VALUES (?, ?, ?, 30)")
			.bind(PROJECT, PROJECT, now - 60 * DAY)
			.run();
		const messages: QueueMessage[] = [
			eventMessage(PROJECT, "old", { timestamp: now - 40 * DAY, output: answer("old") }),
			eventMessage(PROJECT, "new", { timestamp: now - DAY, output: answer("new") }),
		];
		for (const m of messages) expect((await consume(batchOf([m]))).ackAll).toBe(true);
		const kept = (await row("new"))!.body_ref!;
		expect(await objects()).toHaveLength(2);
		await purgeExpiredData(await issuePorts(env), now);
		expect(await row("old")).toBeNull();
		expect(await objects()).toEqual([objectOf(kept)]);
		expect((await open(kept))!.output).toBe(answer("new"));
	});
});
