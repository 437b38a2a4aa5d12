import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import { topicText } from "#core/detection/signal-vocabulary";
import { unitMean } from "#core/embedding/embedder";
import { sentenceEncoder } from "#shared/adapters/sentence-encoder";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import worker from "../src";
import { requestShape } from "#core/clustering/request-shape";
import { promoteIntentCandidates } from "../src/intents/intent-discovery";
import { promoteCandidates } from "../src/issues/issue-grouping";
import { batchOf, eventMessage } from "./messages";
import { CONTACT_REFUSALS, FILE_REFUSALS } from "../../shared/test/refusal-texts";
import { maintainIssues } from "../src/issues/issue-maintenance";

// Every test here ends with the trigger-kept aggregates (issue_days, issue_user_days, intent_signal_days) equal to a recount.
afterEach(async () => {
	await expectAggregatesMatch();
});

let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_maint_${++n}`;
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CONTACTS = CONTACT_REFUSALS;

async function cron() {
	const ctx = createExecutionContext();
	await worker.scheduled!(createScheduledController({ cron: "*/5 * * * *" }), env, ctx);
	await waitOnExecutionContext(ctx);
}

const issues = () =>
	env.DB.prepare(
		"SELECT id, state, created_at, (SELECT count(*) FROM issue_events e WHERE e.issue_id = issues.id) AS events FROM issues WHERE project_id = ? ORDER BY created_at",
	)
		.bind(PROJECT)
		.all<{ id: string; state: string; created_at: number; events: number }>()
		.then((r) => r.results);

const refusals = (t: number, count = 4, prefix = "c") =>
	CONTACTS.slice(0, count).map((output, i) =>
		eventMessage(PROJECT, `${prefix}${i}`, { timestamp: t + i, convo_id: `${prefix}${i}`, user_id: `${prefix}u${i}`, output }),
	);

describe("issue maintenance (cron)", () => {
	it("promotes candidates that a failed or partial pass left waiting", async () => {
		for (const [i, text] of CONTACTS.slice(0, 3).entries()) {
			await env.DB.prepare("INSERT INTO issue_candidates (project_id, signal, event_id, text, user_id, timestamp) VALUES (?, 'refusal', ?, ?, ?, ?)")
				.bind(PROJECT, `w${i}`, text, `u${i}`, Date.now())
				.run();
		}
		await cron();
		expect((await issues()).map((i) => i.events)).toEqual([3]);
	});

	it("drops waiting candidates whose events have since joined an issue or intent, not promoting them into empty twins", async () => {
		const asks = ["Open my contacts", "open my contacts please", "can you open my contacts", "please open my contacts"];
		const t = Date.now() - HOUR;
		await worker.queue!(
			batchOf(
				CONTACTS.slice(0, 4).map((output, i) =>
					eventMessage(PROJECT, `c${i}`, { timestamp: t + i, convo_id: `c${i}`, user_id: `cu${i}`, input: asks[i], output }),
				),
			),
			env,
			createExecutionContext(),
		);
		const [issue] = await issues();
		const { results: intents } = await env.DB.prepare("SELECT intent_id, event_id FROM event_intents WHERE project_id = ?")
			.bind(PROJECT)
			.all<{ intent_id: string; event_id: string }>();
		expect(intents).toHaveLength(4);
		// As a redelivery racing a promotion can leave them: the same events waiting again.
		for (const [i, text] of CONTACTS.slice(0, 4).entries()) {
			await env.DB.prepare("INSERT INTO issue_candidates (project_id, signal, event_id, text, user_id, timestamp) VALUES (?, 'refusal', ?, ?, ?, ?)")
				.bind(PROJECT, `c${i}`, text, `cu${i}`, Date.now())
				.run();
		}
		for (const row of intents) {
			await env.DB.prepare("INSERT INTO intent_candidates (project_id, event_id, text, user_id, timestamp) VALUES (?, ?, 'Can you open my contacts?', 'u', ?)")
				.bind(PROJECT, row.event_id, Date.now())
				.run();
		}
		// The promotion itself, not only the later merge pass, must leave no empty issue or intent behind.
		const encoder = await sentenceEncoder(env);
		const ports = { db: env.DB, index: new D1VectorIndex(env.DB, encoder.model), embedder: encoder, encoder };
		expect(await promoteCandidates(ports, PROJECT, "refusal")).toEqual([]);
		expect(await promoteIntentCandidates(ports, PROJECT)).toEqual([]);
		expect((await issues()).map((i) => [i.id, i.events])).toEqual([[issue!.id, 4]]);
		const after = await env.DB.prepare(
			"SELECT (SELECT count(*) FROM intents WHERE project_id = ?1) AS intents, (SELECT count(*) FROM issue_candidates WHERE project_id = ?1) AS issue_waiting, (SELECT count(*) FROM intent_candidates WHERE project_id = ?1) AS intent_waiting",
		)
			.bind(PROJECT)
			.first<{ intents: number; issue_waiting: number; intent_waiting: number }>();
		expect(after).toEqual({ intents: new Set(intents.map((r) => r.intent_id)).size, issue_waiting: 0, intent_waiting: 0 });
	});

	it("merges two issues about the same thing into the larger one, recording it", async () => {
		await worker.queue!(batchOf(refusals(Date.now() - HOUR, 6)), env, createExecutionContext());
		const [whole] = await issues();
		expect(whole!.events).toBe(6);
		const encoder = await sentenceEncoder(env);
		// Split it by hand into two issues with the same centre, as two separate promotions could.
		await env.DB.prepare(
			"INSERT INTO issues (id, project_id, signal, title, description, state, model, first_seen, last_seen, created_at) VALUES ('iss_dup', ?, 'refusal', 'contacts', 'x', 'new', ?, 0, 0, ?)",
		)
			.bind(PROJECT, encoder.model, Date.now())
			.run();
		await env.DB.prepare("UPDATE issue_events SET issue_id = 'iss_dup' WHERE issue_id = ? AND event_id IN ('c0', 'c1')").bind(whole!.id).run();
		const index = new D1VectorIndex(env.DB, encoder.model);
		const centre = unitMean(await encoder.embed(CONTACTS.map((t) => topicText(t, "refusal"))));
		const [own] = await index.query(`${PROJECT}:refusal`, centre, { topK: 1 });
		await index.upsert([{ id: "iss_dup", namespace: `${PROJECT}:refusal`, values: centre, metadata: { issue_id: "iss_dup" } }]);
		expect(own!.id).toBe(whole!.id);
		await cron();
		const after = await issues();
		expect(after.map((i) => [i.id, i.events])).toEqual([[whole!.id, 6]]);
		const record = await env.DB.prepare("SELECT to_state, reason FROM issue_state_changes WHERE issue_id = 'iss_dup'").first();
		expect(record).toEqual({ to_state: "merged", reason: `merged into ${whole!.id}` });
		const left = await index.query(`${PROJECT}:refusal`, centre, { topK: 5 });
		expect(left.map((m) => m.id)).toEqual([whole!.id]);
	});

	it("puts back the centres the index lost, so the next such event joins its issue and intent instead of waiting", async () => {
		const asks = ["Open my contacts", "open my contacts please", "can you open my contacts", "please open my contacts"];
		const t = Date.now() - HOUR;
		const message = (i: number, id = `c${i}`) =>
			eventMessage(PROJECT, id, { timestamp: t + i, convo_id: id, user_id: `cu${i}`, input: asks[i % 4], output: CONTACTS[i % CONTACTS.length] });
		await worker.queue!(batchOf([0, 1, 2, 3].map((i) => message(i))), env, createExecutionContext());
		const [issue] = await issues();
		const intent = await env.DB.prepare("SELECT id FROM intents WHERE project_id = ?").bind(PROJECT).first<{ id: string }>();
		const centres = () =>
			env.DB.prepare("SELECT id, namespace, metadata FROM vectors WHERE namespace LIKE ? ORDER BY namespace")
				.bind(`${PROJECT}:%`)
				.all<{ id: string; namespace: string; metadata: string }>()
				.then((r) => r.results.map((c) => ({ ...c, metadata: JSON.parse(c.metadata) })));
		expect(await centres()).toEqual([
			{ id: intent!.id, namespace: `${PROJECT}:intents`, metadata: { intent_id: intent!.id } },
			{ id: issue!.id, namespace: `${PROJECT}:refusal`, metadata: { issue_id: issue!.id, signal: "refusal" } },
		]);
		// An index that lost them (or one deployed empty, as when centres moved from Vectorize to D1).
		await env.DB.prepare("DELETE FROM vectors WHERE namespace LIKE ?").bind(`${PROJECT}:%`).run();
		await cron();
		// Back, each saying how many events it was computed from, and when.
		expect(await centres()).toEqual([
			{ id: intent!.id, namespace: `${PROJECT}:intents`, metadata: { intent_id: intent!.id, events: 4, computed_at: expect.any(Number) } },
			{ id: issue!.id, namespace: `${PROJECT}:refusal`, metadata: { issue_id: issue!.id, signal: "refusal", events: 4, computed_at: expect.any(Number) } },
		]);
		await worker.queue!(batchOf([message(4, "c_next")]), env, createExecutionContext());
		expect((await issues()).map((i) => [i.id, i.events])).toEqual([[issue!.id, 5]]);
		const joined = await env.DB.prepare("SELECT intent_id FROM event_intents WHERE project_id = ? AND event_id = 'c_next'").bind(PROJECT).first();
		expect(joined).toEqual({ intent_id: intent!.id });
		// Nothing left to restore: the next pass embeds nothing again.
		const res = await worker.fetch!(new Request("http://detect/internal/maintain-issues", { method: "POST" }), env, createExecutionContext());
		expect(((await res.json()) as { centres: number }).centres).toBe(0);
	});

	it("embeds a centre again only when its issue or intent gained or lost events since it was computed, or a day later", async () => {
		const contactAsks = ["Open my contacts", "open my contacts please", "can you open my contacts", "please open my contacts"];
		const fileAsks = ["Open the shared files", "open the shared files please", "can you open the shared files", "please open the shared files"];
		const t = Date.now() - HOUR;
		const message = (id: string, i: number, input: string, output: string) =>
			eventMessage(PROJECT, id, { timestamp: t + i, convo_id: id, user_id: `${id}u`, input, output });
		await worker.queue!(
			batchOf([
				...contactAsks.map((ask, i) => message(`c${i}`, i, ask, CONTACTS[i]!)),
				...fileAsks.map((ask, i) => message(`f${i}`, 10 + i, ask, FILE_REFUSALS[i]!)),
			]),
			env,
			createExecutionContext(),
		);
		expect((await issues()).map((i) => i.events)).toEqual([4, 4]);
		const intents = await env.DB.prepare("SELECT count(*) AS n FROM intents WHERE project_id = ?").bind(PROJECT).first<{ n: number }>();
		expect(intents!.n).toBe(2);
		const encoder = await sentenceEncoder(env);
		let embedded = 0;
		const counting = { ...encoder, model: encoder.model, embed: (texts: string[]) => ((embedded += texts.length), encoder.embed(texts)) };
		const ports = { db: env.DB, index: new D1VectorIndex(env.DB, encoder.model), embedder: counting, encoder };
		const pass = async (now = Date.now()) => {
			embedded = 0;
			await maintainIssues(ports, now);
			return embedded;
		};
		// The grouper's centres do not say how many events made them: the first pass computes all four.
		expect(await pass()).toBe(16);
		expect(await pass()).toBe(0);
		// One more contacts refusal: only that issue's centre is computed again (its 5 events), and nothing else.
		await worker.queue!(batchOf([message("c_next", 20, "no input like the others at all", CONTACTS[4]!)]), env, createExecutionContext());
		expect((await issues()).map((i) => i.events).sort()).toEqual([4, 5]);
		expect(await pass()).toBe(5);
		expect(await pass()).toBe(0);
		// A day on, each centre is computed once more (as many events may have left as joined: the count cannot
		// tell), then reused again: the two issues' 5 and 4 events and the two intents' 4 inputs each.
		const later = Date.now() + DAY;
		expect(await pass(later)).toBe(5 + 4 + 4 + 4);
		expect(await pass(later + 60_000)).toBe(0);
	});

	it("keeps an issue new while its first event is under a day old, however long ago the grouper made it", async () => {
		await worker.queue!(batchOf(refusals(Date.now() - 2 * HOUR, 3, "recent")), env, createExecutionContext());
		const [issue] = await issues();
		expect(issue!.state).toBe("new");
		await env.DB.prepare("UPDATE issues SET created_at = ? WHERE id = ?")
			.bind(Date.now() - 3 * DAY, issue!.id)
			.run();
		await cron();
		expect((await issues())[0]!.state).toBe("new");
	});

	it("moves a new issue to ongoing once its first event is a day old, and a sudden surge of users to escalating", async () => {
		await worker.queue!(batchOf(refusals(Date.now() - 3 * DAY, 3, "old")), env, createExecutionContext());
		const [issue] = await issues();
		// Events three days old are ongoing from the start; set it new as if made on its first day.
		expect(issue!.state).toBe("ongoing");
		await env.DB.prepare("UPDATE issues SET state = 'new' WHERE id = ?").bind(issue!.id).run();
		await cron();
		expect((await issues())[0]!.state).toBe("ongoing");
		// Four new users in the last hour against a quiet week.
		await worker.queue!(batchOf(refusals(Date.now() - HOUR, 4, "new")), env, createExecutionContext());
		await cron();
		expect((await issues())[0]!.state).toBe("escalating");
		await cron();
		expect((await issues())[0]!.state).toBe("escalating");
		const changes = await env.DB.prepare("SELECT from_state, to_state, reason FROM issue_state_changes WHERE issue_id = ? ORDER BY at")
			.bind(issue!.id)
			.all<{ from_state: string | null; to_state: string; reason: string }>();
		expect(changes.results.map((c) => `${c.from_state} > ${c.to_state}`)).toEqual(["null > ongoing", "new > ongoing", "ongoing > escalating"]);
		expect(changes.results[1]!.reason).toBe("first seen more than a day ago");
	});
});

describe("intent maintenance (cron)", () => {
	const REFUND = [
		"I want a refund for my order",
		"how do I get a refund for my order",
		"please refund my last payment",
		"can I get a refund for this purchase",
		"refund my order please",
		"I need a refund on this order",
	];
	const intents = () =>
		env.DB.prepare(
			"SELECT i.id, i.name, (SELECT count(*) FROM event_intents e WHERE e.intent_id = i.id) AS events FROM intents i WHERE project_id = ? ORDER BY events DESC",
		)
			.bind(PROJECT)
			.all<{ id: string; name: string; events: number }>()
			.then((r) => r.results);

	/** The refund intent, then half its events moved to a second intent, as two separate promotions can leave them. */
	async function duplicateIntents(namedBy: string | null) {
		await worker.queue!(
			batchOf(REFUND.map((input, i) => eventMessage(PROJECT, `r${i}`, { user_id: `u${i}`, convo_id: `r${i}`, input, output: "Done." }))),
			env,
			createExecutionContext(),
		);
		const [whole] = await intents();
		expect(whole!.events).toBe(6);
		await env.DB.prepare(
			"INSERT INTO intents (id, project_id, name, description, model, named_by, created_at) VALUES (?, ?, 'refund · order (2)', 'x', ?, ?, ?)",
		)
			.bind(`int_dup_${PROJECT}`, PROJECT, (await sentenceEncoder(env)).model, namedBy, Date.now())
			.run();
		await env.DB.prepare("UPDATE event_intents SET intent_id = ? WHERE intent_id = ? AND event_id IN ('r0', 'r1', 'r2')")
			.bind(`int_dup_${PROJECT}`, whole!.id)
			.run();
		return whole!.id;
	}

	it("folds an intent found twice into one, so counts and the heat map read as one request", async () => {
		const keep = await duplicateIntents(null);
		await cron();
		expect((await intents()).map((i) => [i.id, i.events])).toEqual([[keep, 6]]);
		// The merged intent's vector is gone from the index: new inputs can only find the kept one.
		const encoder = await sentenceEncoder(env);
		const index = new D1VectorIndex(env.DB, encoder.model);
		const [near] = await index.query(`${PROJECT}:intents`, (await encoder.embed([requestShape("refund my order")]))[0]!, { topK: 3 });
		expect(near!.id).toBe(keep);
	});

	it("folds intents of the same name, even when their inputs embed apart", async () => {
		// The same request in two wordings the encoder puts apart (cosine 0.56: below joining, 0.65, and
		// folding by centre, 0.8), found by two separate promotions, as parallel batches or days apart produce them.
		const rounds = [Array(3).fill("Finde einen Flug nach Rom"), Array(3).fill("Rom Flug bitte")];
		for (const [round, inputs] of rounds.entries()) {
			await worker.queue!(
				batchOf(inputs.map((input, i) => eventMessage(PROJECT, `g${round}${i}`, { user_id: `g${i}`, convo_id: `g${round}${i}`, input, output: "Ich suche…" }))),
				env,
				createExecutionContext(),
			);
		}
		const found = await intents();
		expect(found.map((i) => i.events)).toEqual([3, 3]);
		// Named alike (as a namer can name the same request twice; case and spaces aside).
		await env.DB.prepare("UPDATE intents SET name = ' finde einen Flug nach Rom' WHERE id = ? AND name != 'Finde einen Flug nach Rom'")
			.bind(found[1]!.name === "Finde einen Flug nach Rom" ? found[0]!.id : found[1]!.id)
			.run();
		await cron();
		expect((await intents()).map((i) => [i.name, i.events])).toEqual([["Finde einen Flug nach Rom", 6]]);
	});

	it("never folds away an intent a person renamed: it keeps its name and takes the fragment in", async () => {
		await duplicateIntents("key:someone");
		await cron();
		expect((await intents()).map((i) => [i.id, i.name, i.events])).toEqual([[`int_dup_${PROJECT}`, "refund · order (2)", 6]]);
	});
});
