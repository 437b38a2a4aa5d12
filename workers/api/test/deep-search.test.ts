import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { candidatePageSchema, deepSearchHistorySchema, deepSearchResponseSchema, labelRoundResponseSchema } from "#core/api/deep-searches";
import { seedAdminProject } from "../../shared/test/admin-key";
import { authed } from "../../shared/test/seed-project";
import { runJobs } from "../../detect/src/jobs/job-runner";
import { eventVectorStore } from "#shared/adapters/event-vector-store";
import { deepSearchView } from "../src/deep-search/deep-search-loop";
import { WorkersAiMatchChecker } from "../src/deep-search/llm-match-check";
import { RemoteSentenceEncoder } from "../src/remote-sentence-encoder";
import { findDeepSearch } from "../src/stores/deep-search-store";
import { detectBindings, ev, store } from "./seed-events";

const T0 = Date.UTC(2026, 10, 2, 9);
const MIN = 60_000;

/** Replies that claim the assistant cannot reach the user's calendar: what the definition describes. */
const CANNOT = [
	["Add lunch with Sam to my calendar on Friday", "I'm sorry, I don't have access to your calendar, so I can't add events to it."],
	["What's on my calendar tomorrow?", "I can't see your calendar. I have no way to access your schedule."],
	["Move my 3pm meeting to 4pm", "Unfortunately I am unable to access or change your calendar entries."],
	["Do I have anything booked next Monday?", "I don't have permission to read your calendar, so I cannot tell you."],
	["Block two hours for focus time on Thursday", "Sorry, I cannot access your calendar app to create that block."],
	["Cancel the dentist appointment in my calendar", "I'm not able to connect to your calendar, so I can't cancel it."],
	["When is my next meeting with Priya?", "I have no access to your calendar, unfortunately."],
	["Remind me of my schedule for the week", "I can't open your calendar or read your schedule, sorry about that."],
] as const;
/** Calendar requests the assistant does handle: close in words, not what the definition describes. */
const HANDLES = [
	["Add lunch with Sam to my calendar on Friday", "Done: lunch with Sam is on your calendar for Friday at noon."],
	["What's on my calendar tomorrow?", "Tomorrow you have a standup at 9 and a design review at 2."],
	["Move my 3pm meeting to 4pm", "I moved your 3pm meeting to 4pm and notified the attendees."],
	["Do I have anything booked next Monday?", "Next Monday is free except a call at 11."],
	["Block two hours for focus time on Thursday", "I blocked 10 to 12 on Thursday for focus time."],
	["Cancel the dentist appointment in my calendar", "The dentist appointment is cancelled."],
] as const;
/** Unrelated traffic. */
const OTHER = [
	["How do I reset my password?", "Go to Settings, then Security, and choose Reset password."],
	["Translate 'good morning' to Spanish", "Buenos días."],
	["What's the capital of Australia?", "Canberra is the capital of Australia."],
	["Write a haiku about rain", "Soft rain on the roof / the gutters hum a low song / the street shines again"],
	["Summarise this article about solar panels", "The article says solar panel prices fell 20% this year."],
	["Give me a recipe for pancakes", "Mix flour, milk, eggs and a pinch of salt, then fry in butter."],
] as const;

const DEFINITION = "the assistant says it cannot access the user's calendar";

let project: Awaited<ReturnType<typeof seedAdminProject>>;
const truth = new Map<string, boolean>();

beforeEach(async () => {
	project = await seedAdminProject();
	const rows: [string, readonly [string, string], boolean][] = [
		...CANNOT.map((t, i) => [`cannot_${i}`, t, true] as [string, readonly [string, string], boolean]),
		...HANDLES.map((t, i) => [`handles_${i}`, t, false] as [string, readonly [string, string], boolean]),
		...OTHER.map((t, i) => [`other_${i}`, t, false] as [string, readonly [string, string], boolean]),
	];
	for (const [id, , match] of rows) truth.set(id, match);
	await store(rows.map(([id, [input, output]], i) => ev(project.projectId, id, T0 + i * MIN, { user_id: `u${i % 5}`, input, output })));
});

async function call(method: string, path: string, body?: unknown, key = project.adminKey) {
	const res = await SELF.fetch(`https://api.test${path}`, authed(key, body, { method }));
	const text = await res.text();
	return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function create(body: Record<string, unknown> = { definition: DEFINITION }) {
	const res = await call("POST", "/api/deep-searches", body);
	expect(res.status, JSON.stringify(res.body)).toBe(201);
	return deepSearchResponseSchema.parse(res.body).data;
}

describe("deep search: definition, label rounds, calibration, saved as a signal", () => {
	it("draws candidates by meaning and words, asks for labels, and learns from them", async () => {
		const first = await create();
		expect(first.state).toBe("draft");
		expect(first.pool.size).toBeGreaterThanOrEqual(14);
		expect(first.next.length).toBeGreaterThan(0);
		for (const c of first.next) expect(c.reason.length).toBeGreaterThan(10);

		let search = first;
		for (let round = 0; round < 4 && search.next.length; round++) {
			const res = await call("POST", `/api/deep-searches/${search.id}/labels`, {
				labels: search.next.map((c) => ({ event_id: c.event_id, match: truth.get(c.event_id)! })),
			});
			expect(res.status, JSON.stringify(res.body)).toBe(200);
			search = labelRoundResponseSchema.parse(res.body).data;
			expect(search.next.every((c) => c.label === null)).toBe(true);
		}
		expect(search.version).toBeGreaterThan(first.version);
		expect(search.labels.matches).toBeGreaterThan(0);
		expect(search.labels.non_matches).toBeGreaterThan(0);
		expect(search.calibration.points.length).toBeGreaterThan(0);

		// After the labels, the model ranks every described reply above every calendar reply that works.
		const page = candidatePageSchema.parse((await call("GET", `/api/deep-searches/${search.id}/candidates`, undefined, project.readKey)).body);
		const scores = (prefix: string) => page.data.filter((c) => c.event_id.startsWith(prefix)).map((c) => c.score);
		const [cannot, handles] = [scores("cannot_"), scores("handles_")];
		expect(cannot.length).toBe(CANNOT.length);
		expect(handles.length).toBe(HANDLES.length);
		expect(Math.min(...cannot)).toBeGreaterThan(Math.max(...handles));
		expect(
			page.data
				.filter((c) => c.match)
				.map((c) => c.event_id)
				.sort(),
		).toEqual(CANNOT.map((_, i) => `cannot_${i}`).sort());

		const history = deepSearchHistorySchema.parse((await call("GET", `/api/deep-searches/${search.id}/history`, undefined, project.readKey)).body).data;
		expect(history.map((h) => h.kind)).toEqual(["refit", ...Array(history.length - 1).fill("refit")]);
		expect(history.at(-1)!.version).toBe(search.version);
	});

	it("saved, it is a signal: applied to new events, backfilled over stored ones as a job, with its history", async () => {
		const s = await create();
		const labels = ["cannot_0", "cannot_1", "cannot_2", "handles_0", "handles_1", "other_0"].map((event_id) => ({ event_id, match: truth.get(event_id)! }));
		expect((await call("POST", `/api/deep-searches/${s.id}/labels`, { labels })).status).toBe(200);
		const saved = await call("POST", `/api/deep-searches/${s.id}/save`, { name: "calendar_access" });
		expect(saved.status, JSON.stringify(saved.body)).toBe(200);
		const data = deepSearchResponseSchema.parse(saved.body).data;
		expect(data.state).toBe("saved");
		expect(data.signal).toMatchObject({ name: "calendar_access", polarity: "negative" });
		const jobId = data.signal!.job_id!;
		expect(jobId).toMatch(/^job_/);

		// New traffic: the consumer applies the live version from the vectors detection computed.
		await store([
			ev(project.projectId, "new_cannot", T0 + 90 * MIN, {
				input: "Put the offsite on my calendar",
				output: "Sorry, I can't access your calendar, so I cannot add the offsite.",
			}),
			ev(project.projectId, "new_other", T0 + 91 * MIN, {
				input: "What rhymes with orange?",
				output: "Very few words rhyme with orange; door hinge is close.",
			}),
		]);
		const detected = async () =>
			(
				await env.DB.prepare("SELECT event_id FROM detections WHERE project_id = ? AND signal = 'calendar_access' ORDER BY event_id")
					.bind(project.projectId)
					.all<{ event_id: string }>()
			).results.map((r) => r.event_id);
		expect(await detected()).toContain("new_cannot");
		expect(await detected()).not.toContain("new_other");

		// The backfill job scores the events stored before, with progress, to done.
		for (let tick = 0; tick < 5; tick++) await runJobs(detectBindings());
		const job = await call("GET", `/api/jobs/${jobId}`, undefined, project.readKey);
		expect(job.body.data).toMatchObject({ kind: "deep_search", state: "done", done: truth.size + 2 });
		const found = await detected();
		expect(found.filter((id) => id.startsWith("cannot_")).length).toBeGreaterThanOrEqual(CANNOT.length - 1);
		expect(found.filter((id) => id.startsWith("other_") || id.startsWith("handles_"))).toEqual([]);

		// Counted in users like any signal, listed with the custom signals, and grouped into an issue.
		const users = await env.DB.prepare("SELECT count(DISTINCT user_id) AS n FROM user_signal_days WHERE project_id = ? AND signal = 'calendar_access'")
			.bind(project.projectId)
			.first<{ n: number }>();
		expect(users!.n).toBeGreaterThan(1);
		const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
		const ranges = `a_from=${day(T0 - 7 * 86_400_000)}&a_to=${day(T0 - 86_400_000)}&b_from=${day(T0)}&b_to=${day(T0 + 86_400_000)}`;
		const compare = await call("GET", `/api/signals/calendar_access/compare?${ranges}`, undefined, project.readKey);
		expect(compare.status, JSON.stringify(compare.body)).toBe(200);
		expect(compare.body.data).toMatchObject({ signal: "calendar_access" });
		const custom = await call("GET", "/api/custom-signals", undefined, project.readKey);
		expect(custom.body.data).toEqual([expect.objectContaining({ name: "calendar_access", deep_search_id: s.id })]);
		const issues = await env.DB.prepare("SELECT count(*) AS n FROM issues WHERE project_id = ? AND signal = 'calendar_access'")
			.bind(project.projectId)
			.first<{ n: number }>();
		expect(issues!.n).toBeGreaterThan(0);

		// A new operating point on a saved search goes live, and the history keeps each version.
		expect((await call("PATCH", `/api/deep-searches/${s.id}`, { threshold: 0.9 })).status).toBe(200);
		const history = deepSearchHistorySchema.parse((await call("GET", `/api/deep-searches/${s.id}/history`, undefined, project.readKey)).body).data;
		expect(history.map((h) => h.kind)).toEqual(["refit", "refit", "saved", "operating_point"]);
		const live = await env.DB.prepare("SELECT saved_version FROM deep_searches WHERE id = ?").bind(s.id).first<{ saved_version: number }>();
		expect(live!.saved_version).toBe(history.at(-1)!.version);
		// The name is fixed once saved; a taken name is refused.
		expect((await call("POST", `/api/deep-searches/${s.id}/save`, { name: "other_name" })).status).toBe(400);
	});

	it("in production an LLM checks each proposed candidate once, and its verdict and reason are shown", async () => {
		const s = await create();
		expect(s.next.every((c) => c.checked_by === "encoder")).toBe(true);
		const prompts: string[] = [];
		// Workers AI's binding as the api sees it (absent locally): answers the JSON the check asks for.
		const ai = {
			run: async (_model: never, inputs: never) => {
				prompts.push(JSON.stringify(inputs));
				return { response: JSON.stringify({ match: false, reason: "The reply handles the request." }) };
			},
		};
		const ports = {
			db: env.DB,
			vectors: eventVectorStore(env),
			encoder: new RemoteSentenceEncoder(env.SENTENCE_ENCODER),
			checker: new WorkersAiMatchChecker(ai),
		};
		const row = (await findDeepSearch(env.DB, project.projectId, s.id))!;
		const view = await deepSearchView(ports, row);
		expect(view.next.length).toBeGreaterThan(0);
		expect(view.next.every((c) => c.checked_by === "llm" && c.reason === "The reply handles the request." && !c.match)).toBe(true);
		expect(prompts).toHaveLength(view.next.length);
		expect(prompts[0]).toContain("cannot access the user's calendar");
		await deepSearchView(ports, row);
		expect(prompts).toHaveLength(view.next.length);
		// Read back without a checker (as offline), the stored verdicts still show.
		const again = deepSearchResponseSchema.parse((await call("GET", `/api/deep-searches/${s.id}`, undefined, project.readKey)).body).data;
		expect(again.next.map((c) => c.checked_by)).toEqual(view.next.map(() => "llm"));
	});

	it("keeps both people's labels when two label at once", async () => {
		const s = await create();
		const [a, b] = await Promise.all([
			call("POST", `/api/deep-searches/${s.id}/labels`, { labels: [{ event_id: "cannot_0", match: true }] }),
			call("POST", `/api/deep-searches/${s.id}/labels`, { labels: [{ event_id: "handles_0", match: false }] }),
		]);
		expect([a.status, b.status]).toEqual([200, 200]);
		const after = deepSearchResponseSchema.parse((await call("GET", `/api/deep-searches/${s.id}`, undefined, project.readKey)).body).data;
		expect(after.labels).toMatchObject({ total: 2, matches: 1, non_matches: 1 });
	});

	it("says which labels it did not keep: events deleted or never stored", async () => {
		const s = await create();
		const res = await call("POST", `/api/deep-searches/${s.id}/labels`, {
			labels: [
				{ event_id: "cannot_1", match: true },
				{ event_id: "gone", match: false },
			],
		});
		expect(res.status).toBe(200);
		const data = labelRoundResponseSchema.parse(res.body).data;
		expect(data.rejected.map((r) => r.event_id)).toEqual(["gone"]);
		expect(data.labels.total).toBe(1);
		// An event labelled, then deleted with its user's data: its label stays in the history but no longer counts.
		const user = (await env.DB.prepare("SELECT user_id FROM events WHERE project_id = ? AND event_id = 'cannot_1'")
			.bind(project.projectId)
			.first<{ user_id: string }>())!;
		expect((await call("DELETE", `/api/users/${user.user_id}`)).status).toBeLessThan(300);
		const after = deepSearchResponseSchema.parse((await call("GET", `/api/deep-searches/${s.id}`, undefined, project.readKey)).body).data;
		expect(after.labels).toMatchObject({ total: 1, without_event: 1 });
		expect(after.next.map((c) => c.event_id)).not.toContain("cannot_1");
		const none = await call("POST", `/api/deep-searches/${s.id}/labels`, { labels: [{ event_id: "gone", match: true }] });
		expect(none.status).toBe(404);
		expect(JSON.stringify(none.body)).toContain("labels[0].event_id");
	});

	it("refuses bad input with a 4xx naming the field", async () => {
		for (const [body, field] of [
			[{ definition: "" }, "definition"],
			[{ definition: "   " }, "definition"],
			[{ definition: "x".repeat(10_000) }, "definition"],
			[{}, "definition"],
			[{ definition: DEFINITION, examples: [{ event_id: "cannot_0" }] }, "examples[0].match"],
			[{ definition: DEFINITION, examples: [{ event_id: "nope", match: true }] }, "examples[0].event_id"],
		] as const) {
			const res = await call("POST", "/api/deep-searches", body);
			expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
			expect(JSON.stringify(res.body)).toContain(field);
		}
		const s = await create();
		const empty = await call("POST", `/api/deep-searches/${s.id}/labels`, { labels: [] });
		expect(empty.status).toBe(400);
		expect(JSON.stringify(empty.body)).toContain("labels");
		const threshold = await call("PATCH", `/api/deep-searches/${s.id}`, { threshold: 7 });
		expect(threshold.status).toBe(400);
		expect(JSON.stringify(threshold.body)).toContain("threshold");
		const badName = await call("POST", `/api/deep-searches/${s.id}/save`, { name: "refusal" });
		expect(badName.status).toBe(400);
		expect(JSON.stringify(badName.body)).toContain("name");
		expect((await call("POST", "/api/deep-searches", { definition: DEFINITION }, project.readKey)).status).toBe(403);
	});

	it("with no stored event like it, still creates the search and says so", async () => {
		const empty = await seedAdminProject("Empty project");
		const res = await call("POST", "/api/deep-searches", { definition: DEFINITION }, empty.adminKey);
		expect(res.status).toBe(201);
		const data = deepSearchResponseSchema.parse(res.body).data;
		expect(data.pool.size).toBe(0);
		expect(data.note).toMatch(/No stored event/);
		expect(data.next).toEqual([]);
	});

	it("every label the same: the curve stays defined and the search says how far it got", async () => {
		const s = await create();
		const res = await call("POST", `/api/deep-searches/${s.id}/labels`, {
			labels: ["cannot_0", "cannot_1", "cannot_2", "cannot_3"].map((event_id) => ({ event_id, match: true })),
		});
		expect(res.status).toBe(200);
		const data = labelRoundResponseSchema.parse(res.body).data;
		for (const p of data.calibration.points) for (const v of Object.values(p)) expect(Number.isFinite(v)).toBe(true);
		expect(data.threshold).toBeGreaterThan(0);
	});

	it("one project never sees another's deep searches", async () => {
		const s = await create();
		const other = await seedAdminProject("Other project");
		expect((await call("GET", `/api/deep-searches/${s.id}`, undefined, other.readKey)).status).toBe(404);
		expect((await call("POST", `/api/deep-searches/${s.id}/labels`, { labels: [{ event_id: "cannot_0", match: true }] }, other.adminKey)).status).toBe(404);
		const list = await call("GET", "/api/deep-searches", undefined, other.readKey);
		expect(list.body.data).toEqual([]);
	});
});
