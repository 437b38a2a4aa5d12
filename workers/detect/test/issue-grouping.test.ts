import { createExecutionContext, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import { countRows } from "../../shared/test/seed-project";
import worker from "../src";
import { sentenceEncoder } from "#shared/adapters/sentence-encoder";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import { promoteCandidates } from "../src/issues/issue-grouping";
import { batchOf, eventMessage } from "./messages";
import { CONTACT_REFUSALS, FILE_REFUSALS } from "../../shared/test/refusal-texts";

// Every test here ends with the trigger-kept aggregates (issue_days, issue_user_days, intent_signal_days) equal to a recount.
afterEach(async () => {
	await expectAggregatesMatch();
});

let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_issues_${++n}`;
});

const T = Date.UTC(2026, 10, 20, 9);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CONTACTS = CONTACT_REFUSALS.slice(0, 4);
const FILES = FILE_REFUSALS;

async function consume(bodies: unknown[]) {
	await worker.queue!(batchOf(bodies), env, createExecutionContext());
}

const refusal = (id: string, output: string, t = T, user = `u_${id}`) =>
	eventMessage(PROJECT, id, { timestamp: t, user_id: user, input: "Can you help me with this?", output });

const issues = () =>
	env.DB.prepare(
		"SELECT id, title, state, (SELECT count(*) FROM issue_events ie WHERE ie.issue_id = issues.id) AS events FROM issues WHERE project_id = ? AND signal = 'refusal' ORDER BY title",
	)
		.bind(PROJECT)
		.all<{ id: string; title: string; state: string; events: number }>()
		.then((r) => r.results);

describe("flagged events become issues", () => {
	it("turns similar refusals into separate, named issues once enough of them cluster", async () => {
		await consume([...CONTACTS.map((o, i) => refusal(`c${i}`, o)), ...FILES.map((o, i) => refusal(`f${i}`, o))]);
		const list = await issues();
		expect(list).toHaveLength(2);
		expect(list.map((i) => i.events)).toEqual([4, 4]);
		expect(list.map((i) => i.title).join(" | ")).toMatch(/contacts/);
		expect(list.map((i) => i.title).join(" | ")).toMatch(/file/);
		expect(await countRows("issue_candidates", PROJECT)).toBe(0);
	});

	it("makes a cluster of backfilled events ongoing from the start, and one of the last hours new, each saying when it was first seen", async () => {
		const now = Date.now();
		const monthAgo = now - 29 * DAY;
		// A month-old backlog imported today, then today's traffic: the grouper makes both issues now.
		await consume([...CONTACTS.map((o, i) => refusal(`c${i}`, o, monthAgo + i * HOUR)), ...FILES.map((o, i) => refusal(`f${i}`, o, now - 2 * HOUR + i))]);
		const list = await issues();
		const contacts = list.find((i) => /contacts/.test(i.title))!;
		const files = list.find((i) => /file/.test(i.title))!;
		expect([contacts.state, files.state]).toEqual(["ongoing", "new"]);
		const history = await env.DB.prepare("SELECT issue_id, from_state, to_state, reason FROM issue_state_changes WHERE issue_id IN (?, ?) ORDER BY to_state")
			.bind(contacts.id, files.id)
			.all();
		const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
		expect(history.results).toEqual([
			{ issue_id: files.id, from_state: null, to_state: "new", reason: `4 similar events, first seen ${day(now - 2 * HOUR)}` },
			{ issue_id: contacts.id, from_state: null, to_state: "ongoing", reason: `4 similar events, first seen ${day(monthAgo)}` },
		]);
	});

	it("keeps too few similar events as candidates, not issues", async () => {
		await consume([refusal("a", CONTACTS[0]!), refusal("b", FILES[0]!)]);
		expect(await issues()).toEqual([]);
		expect(await countRows("issue_candidates", PROJECT, "signal = 'refusal'")).toBe(2);
	});

	it("adds a new matching event to the existing issue instead of starting another", async () => {
		await consume(CONTACTS.map((o, i) => refusal(`c${i}`, o)));
		await consume([refusal("late", "Sorry, I am not able to access your contacts app.", T + 60_000)]);
		const list = await issues();
		expect(list).toHaveLength(1);
		expect(list[0]!.events).toBe(5);
		const last = await env.DB.prepare("SELECT last_seen FROM issues WHERE id = ?").bind(list[0]!.id).first<{ last_seen: number }>();
		expect(last!.last_seen).toBe(T + 60_000);
	});

	it("marks a resolved issue regressed when matching events arrive after the resolution, recording why", async () => {
		await consume(CONTACTS.map((o, i) => refusal(`c${i}`, o)));
		const [issue] = await issues();
		await env.DB.prepare("UPDATE issues SET state = 'resolved', resolved_at = ? WHERE id = ?")
			.bind(T + 1000, issue!.id)
			.run();
		await consume([refusal("again", "I can't access your contacts, sorry.", T + 120_000)]);
		expect((await issues())[0]!.state).toBe("regressed");
		const change = await env.DB.prepare("SELECT from_state, to_state, changed_by FROM issue_state_changes WHERE issue_id = ? AND to_state = 'regressed'")
			.bind(issue!.id)
			.first();
		expect(change).toEqual({ from_state: "resolved", to_state: "regressed", changed_by: "system" });
	});

	it("changes nothing when the same batch is delivered again", async () => {
		const batch = CONTACTS.map((o, i) => refusal(`c${i}`, o));
		await consume(batch);
		await consume(batch);
		const list = await issues();
		expect(list).toHaveLength(1);
		expect(list[0]!.events).toBe(4);
	});
});

describe("promotions running at once", () => {
	// Two queue batches consumed in parallel both find the same waiting candidates and both try to
	// promote them. One issue (and one intent) must come out, holding every event once, and no empty twin.
	const CITY_ROOMS = [
		"I need a room in Berlin from the 12th to the 15th",
		"I need a room in Kyoto from the 3rd to the 5th",
		"I need a room in Lisbon from the 20th to the 22nd",
		"I need a room in Vancouver from the 1st to the 4th",
	];

	it("creates one issue and one intent from candidates two batches promote together", async () => {
		const message = (i: number) =>
			eventMessage(PROJECT, `p${i}`, { timestamp: T + i, user_id: `u${i}`, convo_id: `p${i}`, input: CITY_ROOMS[i]!, output: CONTACTS[i]! });
		await consume([message(0), message(1)]);
		expect(await issues()).toEqual([]);
		await Promise.all([consume([message(2)]), consume([message(3)]), consume([message(2), message(3)])]);
		const list = await issues();
		expect(list.map((i) => i.events)).toEqual([4]);
		const intents = await env.DB.prepare(
			"SELECT i.name, (SELECT count(*) FROM event_intents e WHERE e.intent_id = i.id) AS events FROM intents i WHERE project_id = ?",
		)
			.bind(PROJECT)
			.all<{ name: string; events: number }>();
		// The cities differ, the request does not: one intent, named by what is asked for.
		expect(intents.results).toEqual([{ name: "Book a room", events: 4 }]);
		expect(await countRows("issue_candidates", PROJECT)).toBe(0);
		expect(await countRows("intent_candidates", PROJECT)).toBe(0);
	});
});

describe("production path: Workers AI embeddings, centres in D1", () => {
	it("embeds topic texts with bge and keeps issue centres in the project's namespace of D1's index", async () => {
		const embedded: string[] = [];
		const ai = {
			async run(_model: string, inputs: { text: string[] }) {
				embedded.push(...inputs.text);
				// A fake with the real response shape; texts about contacts point one way, others another.
				return {
					shape: [inputs.text.length, 768],
					data: inputs.text.map((t) => Array.from({ length: 768 }, (_, d) => (t.includes("contact") ? (d % 2 ? 1 : 0.1) : d % 3 ? 0.2 : 1))),
				};
			},
		};
		const bindings = { ...env, AI: ai, ISSUE_EMBEDDINGS: "workers-ai" };
		const centres = () =>
			env.DB.prepare("SELECT id, namespace, model, dims FROM vectors WHERE namespace = ?")
				.bind(`${PROJECT}:refusal`)
				.all<{ id: string; namespace: string; model: string; dims: number }>();
		await worker.queue!(batchOf(CONTACTS.map((o, i) => refusal(`c${i}`, o))), bindings as unknown as typeof env, createExecutionContext());
		const list = await issues();
		expect(list).toHaveLength(1);
		// Each flagged event's topic text went to bge (the fake), and the new issue's centre is their 768-d mean.
		expect(embedded.filter((t) => t.includes("contact")).length).toBeGreaterThanOrEqual(CONTACTS.length);
		expect((await centres()).results).toEqual([{ id: list[0]!.id, namespace: `${PROJECT}:refusal`, model: "@cf/baai/bge-base-en-v1.5", dims: 768 }]);
		const model = await env.DB.prepare("SELECT model FROM issues WHERE id = ?").bind(list[0]!.id).first<{ model: string }>();
		expect(model!.model).toBe("@cf/baai/bge-base-en-v1.5");
		// The next batch's refusal about contacts finds that centre and joins the issue.
		await worker.queue!(batchOf([refusal("c_next", CONTACTS[0]!)]), bindings as unknown as typeof env, createExecutionContext());
		expect((await issues()).map((i) => i.events)).toEqual([CONTACTS.length + 1]);
	});
});

// The first test loads the sentence encoder (seconds on a busy machine).
describe("issue titles", { timeout: 30_000 }, () => {
	const waiting = async (project: string, texts: readonly string[]) => {
		for (const [i, text] of texts.entries()) {
			await env.DB.prepare("INSERT INTO issue_candidates (project_id, signal, event_id, text, user_id, timestamp) VALUES (?, 'refusal', ?, ?, ?, ?)")
				.bind(project, `w${i}`, text, `u${i}`, Date.now() - i)
				.run();
		}
	};
	const ports = async (db: D1Database = env.DB) => {
		const encoder = await sentenceEncoder(env);
		return { db, index: new D1VectorIndex(env.DB, encoder.model), embedder: encoder, encoder };
	};
	const titleOf = async (id: string) => (await env.DB.prepare("SELECT title FROM issues WHERE id = ?").bind(id).first<{ title: string }>())!.title;
	/** The title the namer gives CONTACTS when nothing is taken (promoted in a project of its own). */
	const firstChoice = async () => {
		await waiting(`${PROJECT}_twin`, CONTACTS);
		const [id] = await promoteCandidates(await ports(), `${PROJECT}_twin`, "refusal");
		return titleOf(id!);
	};
	const seedIssue = (title: string) =>
		env.DB.prepare(
			"INSERT INTO issues (id, project_id, signal, title, description, state, model, first_seen, last_seen, created_at) VALUES (?, ?, 'tool_failure', ?, 'x', 'ongoing', 'm', 0, 0, 0)",
		)
			.bind(`iss_taken_${PROJECT}`, PROJECT, title)
			.run();

	it("names an issue apart from the project's issues of every signal, still saying what goes wrong", async () => {
		const title = await firstChoice();
		await seedIssue(title);
		await waiting(PROJECT, CONTACTS);
		const [id] = await promoteCandidates(await ports(), PROJECT, "refusal");
		const named = await titleOf(id!);
		expect(named).not.toBe(title);
		expect(named).toMatch(/contact/i);
		expect(named).not.toMatch(/\(\d+\)$/);
	});

	it("refuses a second issue of the same title in D1", async () => {
		await seedIssue("Claims it cannot access the contacts");
		await expect(
			env.DB.prepare(
				"INSERT INTO issues (id, project_id, signal, title, description, state, model, first_seen, last_seen, created_at) VALUES ('iss_twin', ?, 'refusal', 'Claims it cannot access the contacts', 'x', 'new', 'm', 0, 0, 0)",
			)
				.bind(PROJECT)
				.run(),
		).rejects.toThrow(/UNIQUE constraint failed: issues\.project_id, issues\.title/);
	});

	it("names again when a pass running at once took the title after this one read the titles", async () => {
		const title = await firstChoice();
		await seedIssue(title);
		await waiting(PROJECT, CONTACTS);
		// The first read of the project's titles answers as before the other pass named its issue.
		let stale = true;
		const racing = new Proxy(env.DB, {
			get(target, prop) {
				if (prop === "prepare")
					return (sql: string) => {
						if (stale && sql === "SELECT title FROM issues WHERE project_id = ?") {
							stale = false;
							return target.prepare("SELECT title FROM issues WHERE project_id = ? AND 0");
						}
						return target.prepare(sql);
					};
				const value = Reflect.get(target, prop);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		const [id] = await promoteCandidates(await ports(racing), PROJECT, "refusal");
		expect(stale).toBe(false);
		const named = await titleOf(id!);
		expect(named).not.toBe(title);
		expect(named).toMatch(/contact/i);
		expect(await countRows("issue_candidates", PROJECT)).toBe(0);
	});
});
