import { createExecutionContext, env, getQueueResult } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { countRows } from "../../shared/test/seed-project";
import worker from "../src";
import { JUDGE_MODEL } from "#shared/adapters/workers-ai-verdict";
import { createDetector } from "#core/detection/default-detector";
import { uncertainRefusals } from "#core/detection/uncertain-examples";
import { sentenceEncoder } from "#shared/adapters/sentence-encoder";
import { UseLiteEmbedder } from "#core/embedding/use-lite-embedder";
import { fakeAi } from "./fake-ai";
import { batchOf, eventMessage } from "./messages";

let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_detection_${++n}`;
});

async function consume(bodies: unknown[], bindings: object = env) {
	const batch = batchOf(bodies);
	const ctx = createExecutionContext();
	await worker.queue!(batch, bindings as unknown as typeof env, ctx);
	return getQueueResult(batch, ctx);
}

const detections = (where = "1 = 1", ...params: unknown[]) =>
	env.DB.prepare(
		`SELECT event_id, signal, stage, score, evidence_field, evidence_text, reason FROM detections WHERE project_id = ? AND ${where} ORDER BY event_id, signal`,
	)
		.bind(PROJECT, ...params)
		.all<{ event_id: string; signal: string; stage: string; score: number; evidence_field: string; evidence_text: string; reason: string | null }>()
		.then((r) => r.results);

const T = Date.UTC(2026, 10, 20, 10);
const DAY = Math.floor(T / 86_400_000);

describe("detection in the consumer", () => {
	it("stores a detected refusal with its stage and evidence, and counts the user for that day", async () => {
		await consume([
			eventMessage(PROJECT, "e1", { timestamp: T, user_id: "ann", input: "Export my contacts", output: "I'm sorry, but I can't access your contacts." }),
		]);
		expect(await detections()).toEqual([
			{ event_id: "e1", signal: "refusal", stage: "rules", score: 1, evidence_field: "output", evidence_text: "I can't access", reason: null },
		]);
		expect(await countRows("user_signal_days", PROJECT, "signal = 'refusal' AND day = ? AND user_id = 'ann'", DAY)).toBe(1);
		expect(await countRows("user_days", PROJECT, "day = ? AND user_id = 'ann'", DAY)).toBe(1);
	});

	it("counts a user once per day however many events or redeliveries", async () => {
		const a = eventMessage(PROJECT, "a", { timestamp: T, user_id: "ann", output: "I cannot help with that request." });
		const b = eventMessage(PROJECT, "b", { timestamp: T + 1000, user_id: "ann", output: "I'm unable to help with that." });
		await consume([a, b]);
		await consume([a]);
		expect(await countRows("detections", PROJECT, "signal = 'refusal'")).toBe(2);
		expect(await countRows("user_signal_days", PROJECT, "signal = 'refusal'")).toBe(1);
		expect(await countRows("user_days", PROJECT)).toBe(1);
	});

	it("reads the conversation's earlier turns from D1 to detect forgetting", async () => {
		await consume([
			eventMessage(PROJECT, "t1", { timestamp: T, convo_id: "c", input: "Find flights to Lisbon, my budget is $400", output: "Here are three options." }),
		]);
		await consume([
			eventMessage(PROJECT, "t2", { timestamp: T + 60_000, convo_id: "c", input: "Anything cheaper?", output: "Sure. What's your budget for this trip?" }),
		]);
		const rows = await detections("signal = 'forgetting'");
		expect(rows.map((r) => [r.event_id, r.stage])).toEqual([["t2", "context"]]);
	});

	it("reads the earlier turn's stored vectors instead of encoding its texts again, and detects the same", async () => {
		const first = {
			timestamp: T,
			convo_id: "c",
			input: "Can you change my booking to the 9am train on Friday?",
			output: "Done: the 9:04 on Friday is booked.",
		};
		const second = { timestamp: T + 60_000, convo_id: "c", input: "hmm, ok", output: "I'm sorry, but I can't change bookings once they are paid." };
		// The same two turns in a second project whose first turn has no vectors stored (not yet written, or lost).
		const bare = `${PROJECT}_bare`;
		await consume([eventMessage(PROJECT, "t1", first)]);
		await consume([eventMessage(bare, "t1", first)]);
		await env.DB.prepare("DELETE FROM event_vectors WHERE project_id = ?").bind(bare).run();
		const embed = vi.spyOn(UseLiteEmbedder.prototype, "embed");
		try {
			await consume([eventMessage(PROJECT, "t2", second)]);
			const asked = embed.mock.calls.flatMap(([texts]) => texts);
			expect(asked).toContain(second.input);
			expect(asked).not.toContain(first.input);
			expect(asked).not.toContain(first.output);
			embed.mockClear();
			await consume([eventMessage(bare, "t2", second)]);
			const encodedAgain = embed.mock.calls.flatMap(([texts]) => texts);
			expect(encodedAgain).toContain(first.input);
			expect(encodedAgain).toContain(first.output);
		} finally {
			embed.mockRestore();
		}
		const of = (project: string) =>
			env.DB.prepare("SELECT signal, stage, score, evidence_text FROM detections WHERE project_id = ? AND event_id = 't2' ORDER BY signal")
				.bind(project)
				.all()
				.then((r) => r.results);
		expect(await of(PROJECT)).toEqual(await of(bare));
		expect((await of(PROJECT)).map((r) => r.signal)).toContain("refusal");
	});

	it("sees earlier events of the same batch as history: a tool failing in a loop", async () => {
		const call = (error: string | null) => [{ name: "search", input: null, output: null, error, duration_ms: 10 }];
		await consume([1, 2, 3].map((i) => eventMessage(PROJECT, `s${i}`, { timestamp: T + i, convo_id: "loop", tool_calls: call(i === 2 ? null : "502") })));
		expect((await detections("signal = 'tool_loop'")).map((r) => r.event_id)).toEqual(["s3"]);
		expect((await detections("signal = 'tool_failure'")).map((r) => r.event_id)).toEqual(["s1", "s3"]);
	});

	it("applies the project's custom signals, and only that project's", async () => {
		await env.DB.prepare(
			"INSERT INTO custom_signals (id, project_id, name, polarity, field, kind, pattern, created_at) VALUES ('cs1', ?, 'mentions_competitor', 'negative', 'input', 'keywords', '[\"Acme Cloud\"]', 0)",
		)
			.bind(PROJECT)
			.run();
		await consume([
			eventMessage(PROJECT, "m1", { input: "Is acme cloud cheaper than you?" }),
			eventMessage(`${PROJECT}_other`, "m2", { input: "Is acme cloud cheaper?" }),
		]);
		expect((await detections("signal = 'mentions_competitor'")).map((r) => [r.event_id, r.evidence_text])).toEqual([["m1", "acme cloud"]]);
		expect(await countRows("detections", `${PROJECT}_other`, "signal = 'mentions_competitor'")).toBe(0);
	});

	it("counts explicit feedback per user and day, including feedback that arrived before its event", async () => {
		const signal = (id: string, eventId: string, userId?: string) => ({
			v: 1,
			type: "signal",
			project_id: PROJECT,
			received_at: T,
			signal: { signal_id: id, event_id: eventId, signal: "thumbs_down", timestamp: T, properties: {}, ...(userId ? { user_id: userId } : {}) },
		});
		await consume([signal("s1", "known", "bob"), signal("s2", "later")]);
		expect(await countRows("user_signal_days", PROJECT, "signal = 'thumbs_down'")).toBe(1);
		await consume([eventMessage(PROJECT, "later", { timestamp: T, user_id: "cid" })]);
		expect(await countRows("user_signal_days", PROJECT, "signal = 'thumbs_down' AND day = ?", DAY)).toBe(2);
	});

	it("keeps each feedback's event time (the event list pages feedback by it): at once when the event is stored, when it lands otherwise", async () => {
		const signal = (id: string, eventId: string, userId?: string) => ({
			v: 1,
			type: "signal",
			project_id: PROJECT,
			received_at: T + 60_000,
			signal: { signal_id: id, event_id: eventId, signal: "thumbs_up", timestamp: T + 60_000, properties: {}, ...(userId ? { user_id: userId } : {}) },
		});
		const rows = async () =>
			(
				await env.DB.prepare(
					"SELECT signal_id, event_timestamp, user_id, convo_id FROM signals WHERE project_id = ? AND signal = 'thumbs_up' ORDER BY signal_id",
				)
					.bind(PROJECT)
					.all()
			).results;
		await consume([eventMessage(PROJECT, "stored", { timestamp: T - 5_000, user_id: "ann", convo_id: "c1" })]);
		await consume([signal("f1", "stored"), signal("f2", "waiting", "bob"), signal("f3", "waiting")]);
		expect(await rows()).toEqual([
			{ signal_id: "f1", event_timestamp: T - 5_000, user_id: "ann", convo_id: "c1" },
			{ signal_id: "f2", event_timestamp: null, user_id: "bob", convo_id: null },
			{ signal_id: "f3", event_timestamp: null, user_id: null, convo_id: null },
		]);
		const waiting = eventMessage(PROJECT, "waiting", { timestamp: T - 2_000, user_id: "cid", convo_id: "c2" });
		await consume([waiting]);
		const landed = [
			{ signal_id: "f1", event_timestamp: T - 5_000, user_id: "ann", convo_id: "c1" },
			// The user the feedback named stays; the conversation is the event's.
			{ signal_id: "f2", event_timestamp: T - 2_000, user_id: "bob", convo_id: "c2" },
			{ signal_id: "f3", event_timestamp: T - 2_000, user_id: "cid", convo_id: "c2" },
		];
		expect(await rows()).toEqual(landed);
		await consume([waiting]);
		expect(await rows()).toEqual(landed);
	});
});

describe("production path: the LLM check of uncertain detections", () => {
	// Replies the trained refusal model scores in its uncertain band (at least two, checked in core tests),
	// picked by the detector the consumer runs: the sentence encoder loaded inside workerd.
	let uncertain = "";
	let uncertain2 = "";
	beforeAll(async () => {
		[uncertain, uncertain2] = (await uncertainRefusals(createDetector(await sentenceEncoder(env)))) as [string, string];
		expect(uncertain2, "the refusal model should find at least two soft refusals uncertain").toBeTruthy();
	}, 60_000);

	it("asks Workers AI for a yes/no JSON verdict and stores its reason, within the daily budget", async () => {
		const { ai, calls } = fakeAi(() => ({ response: { match: true, reason: "It declines and lectures instead of answering." } }));
		const bindings = { ...env, AI: ai, DETECTION_LLM_DAILY_BUDGET: "1" };
		await consume([eventMessage(PROJECT, "u1", { output: uncertain }), eventMessage(PROJECT, "u2", { output: uncertain2 })], bindings);
		expect(calls).toHaveLength(1);
		expect(calls[0]!.model).toBe(JUDGE_MODEL);
		expect(calls[0]!.inputs).toMatchObject({ response_format: { type: "json_schema" } });
		expect(JSON.stringify(calls[0]!.inputs.messages)).toContain("refusal");
		const rows = await detections("stage = 'llm'");
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ signal: "refusal", reason: "It declines and lectures instead of answering." });
		const budget = await env.DB.prepare("SELECT calls FROM llm_budget WHERE project_id = ?").bind(PROJECT).first<{ calls: number }>();
		expect(budget!.calls).toBe(1);
		// The budget is spent for today: the next batch asks nothing.
		await consume([eventMessage(PROJECT, "u3", { output: uncertain2 })], bindings);
		expect(calls).toHaveLength(1);
	});

	it("keeps the detection off when the model says no or answers with unparseable text", async () => {
		const marker = uncertain.slice(0, 30);
		const { ai, calls } = fakeAi((inputs) => ({
			response: JSON.stringify(inputs).includes(marker) ? '{"match": false, "reason": "It answers."}' : "sorry, I cannot comply",
		}));
		await consume([eventMessage(PROJECT, "n1", { output: uncertain }), eventMessage(PROJECT, "n2", { output: uncertain2 })], {
			...env,
			AI: ai,
			DETECTION_LLM_DAILY_BUDGET: "10",
		});
		expect(calls.length).toBeGreaterThanOrEqual(2);
		expect(await detections("signal = 'refusal'")).toEqual([]);
		expect(await detections("stage = 'llm'")).toEqual([]);
	});

	it("runs no LLM check without a budget, and still stores the event", async () => {
		const { ai, calls } = fakeAi(() => ({ response: { match: true, reason: "x" } }));
		const result = await consume([eventMessage(PROJECT, "z", { output: uncertain })], { ...env, AI: ai });
		expect(result.ackAll).toBe(true);
		expect(calls).toHaveLength(0);
		expect(await countRows("events", PROJECT)).toBe(1);
	});
});
