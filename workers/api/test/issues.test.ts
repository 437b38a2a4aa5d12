import { env, SELF } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ev, sig, store } from "./seed-events";
import { CONTACT_REFUSALS, FILE_REFUSALS } from "../../shared/test/refusal-texts";

// Every test here ends with the trigger-kept aggregates (issue_days, issue_user_days, intent_signal_days) equal to a recount.
afterEach(async () => {
	await expectAggregatesMatch();
});

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 10, 12);
const CONTACTS = CONTACT_REFUSALS.slice(0, 4);
let project: TestProject;
let admin: string;

interface IssueListItem {
	id: string;
	signal: string;
	title: string;
	state: string;
	events: number;
	users: number;
	window_users: number;
	pct_users: number;
}

beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	const p = project.projectId;
	await store([
		...CONTACTS.map((output, i) => ev(p, `c${i}`, D0 + i * DAY, { user_id: i < 3 ? `u${i}` : "u0", input: "Export my contacts", output })),
		ev(p, "ok", D0, { user_id: "u9", input: "hello", output: "Hi there!" }),
	]);
});

const get = (path: string, key = project.readKey) => SELF.fetch(`https://api.test${path}`, authed(key));
const window = "from=2026-11-10&to=2026-11-13";

describe("issues API", () => {
	it("lists issues with events, distinct users and % of active users in the window", async () => {
		const res = await get(`/api/issues?${window}`);
		expect(res.status).toBe(200);
		const body = (await res.json()) as { window: { active_users: number }; data: IssueListItem[] };
		expect(body.window.active_users).toBe(4);
		expect(body.data).toHaveLength(1);
		// Its events are from November, long before today: ongoing, not new (states follow the events' time).
		expect(body.data[0]).toMatchObject({ state: "ongoing", events: 4, users: 3, window_users: 3, pct_users: 75 });
		expect(body.data[0]!.title).toMatch(/contact/);
	});

	it("shows an issue with its daily series, examples with evidence, and state history", async () => {
		const [issue] = ((await (await get(`/api/issues?${window}`)).json()) as { data: IssueListItem[] }).data;
		const res = await get(`/api/issues/${issue!.id}?${window}`);
		const { data } = (await res.json()) as {
			data: { series: { day: string; events: number }[]; examples: { evidence: { text: string } | null }[]; history: { to: string; by: string }[] };
		};
		expect(data.series.map((d) => d.events)).toEqual([1, 1, 1, 1]);
		expect(data.examples.length).toBeGreaterThanOrEqual(3);
		expect(data.examples[0]!.evidence?.text).toBeTruthy();
		expect(data.history).toEqual([expect.objectContaining({ to: "ongoing", by: "system", reason: "4 similar events, first seen 2026-11-10" })]);
	});

	it("resolves with the admin key, recording who; read keys get 403; then new events regress it", async () => {
		const [issue] = ((await (await get(`/api/issues?${window}`)).json()) as { data: IssueListItem[] }).data;
		const change = (key: string, body: unknown) => SELF.fetch(`https://api.test/api/issues/${issue!.id}/state`, authed(key, body));
		expect((await change(project.readKey, { state: "resolved" })).status).toBe(403);
		const res = await change(admin, { state: "resolved", reason: "fixed the contacts tool" });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ data: { state: "resolved", previous_state: "ongoing" } });
		await store([
			ev(project.projectId, "after", Date.now() + 1000, { user_id: "u7", input: "Export my contacts", output: "I can't access your contacts, sorry." }),
		]);
		const { data } = (await (await get(`/api/issues/${issue!.id}`)).json()) as {
			data: { state: string; history: { to: string; by: string; reason: string | null }[] };
		};
		expect(data.state).toBe("regressed");
		expect(data.history.map((h) => h.to)).toEqual(["ongoing", "resolved", "regressed"]);
		expect(data.history[1]!.by).toMatch(/^key:/);
		expect(data.history[1]!.reason).toBe("fixed the contacts tool");
	});

	it("resolved in a release: older releases' events do not regress it, the fix release's do", async () => {
		const [issue] = ((await (await get(`/api/issues?${window}`)).json()) as { data: IssueListItem[] }).data;
		const res = await SELF.fetch(`https://api.test/api/issues/${issue!.id}/state`, authed(admin, { state: "resolved", in_release: "2.10" }));
		expect(res.status).toBe(200);
		const refusal = (id: string, release: string) =>
			ev(project.projectId, id, Date.now() + 1000, {
				user_id: id,
				input: "Export my contacts",
				output: "I can't access your contacts, sorry.",
				properties: { release },
			});
		await store([refusal("old1", "2.9"), refusal("old2", "2.9.7")]);
		type Detail = { state: string; events: number; resolved_in_release: string | null; history: { to: string; reason: string | null }[] };
		const read = async () => ((await (await get(`/api/issues/${issue!.id}`)).json()) as { data: Detail }).data;
		expect(await read()).toMatchObject({ state: "resolved", events: 6, resolved_in_release: "2.10" });
		await store([refusal("new1", "2.10")]);
		const after = await read();
		expect(after.state).toBe("regressed");
		expect(after.history.at(-1)!.reason).toBe("new events in release 2.10, at or after 2.10 where it was resolved");
		const bad = await SELF.fetch(`https://api.test/api/issues/${issue!.id}/state`, authed(admin, { state: "ignored", in_release: "3" }));
		expect(await bad.json()).toMatchObject({ error: { details: [{ field: "in_release" }] } });
	});

	it("answers 400 for a state a person cannot set, and 404 for another project's issue", async () => {
		const [issue] = ((await (await get(`/api/issues?${window}`)).json()) as { data: IssueListItem[] }).data;
		const bad = await SELF.fetch(`https://api.test/api/issues/${issue!.id}/state`, authed(admin, { state: "regressed" }));
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ error: { details: [{ field: "state" }] } });
		const other = await seedProject("Other");
		expect((await get(`/api/issues/${issue!.id}`, other.readKey)).status).toBe(404);
		expect(((await (await get(`/api/issues`, other.readKey)).json()) as { data: unknown[] }).data).toEqual([]);
		expect((await get(`/api/issues?state=weird`)).status).toBe(400);
	});
});

describe("issue breakdowns and priority", () => {
	const FILES = FILE_REFUSALS.slice(0, 3);

	async function seedTwoIssues() {
		const seeded = await seedProject("Two issues");
		const p = seeded.projectId;
		const t = Date.now() - 3_600_000;
		await store([
			...CONTACTS.map((output, i) =>
				ev(p, `k${i}`, t + i, {
					user_id: `ku${i}`,
					model: i % 2 ? "gpt-4o" : "claude-3",
					properties: { prompt_version: i < 3 ? "v7" : "v8" },
					output,
					tool_calls: [{ name: "contacts_api", input: null, output: null, error: "403", duration_ms: 9 }],
				}),
			),
			...FILES.map((output, i) => ev(p, `f${i}`, t + i, { user_id: `fu${i}`, model: "gpt-4o", output })),
			{ v: 1, type: "identify", project_id: p, received_at: t, identify: { user_id: "ku0", traits: { plan: "pro" }, timestamp: t } },
		]);
		// Users of the file issue complained: thumbs down on two of its three events.
		await store([sig(p, "f0", "thumbs_down", { user_id: "fu0" }), sig(p, "f1", "thumbs_down", { user_id: "fu1" })]);
		return seeded;
	}

	it("splits an issue's events by model, property, user trait and tool error", async () => {
		const read = (await seedTwoIssues()).readKey;
		const list = (
			(await (await get("/api/issues", read)).json()) as { data: (IssueListItem & { priority: number; priority_factors: { negative_sentiment: number } })[] }
		).data;
		const contacts = list.find((i) => i.signal === "refusal" && /contact/.test(i.title))!;
		// The failing tool on those events is an issue of its own, titled by what goes wrong (a 403: refused access).
		expect(list.find((i) => i.signal === "tool_failure")?.title).toBe("Contacts API tool is refused access");
		const { data } = (await (await get(`/api/issues/${contacts.id}`, read)).json()) as {
			data: {
				breakdowns: {
					sample: { events: number; users: number };
					model: { value: string; events: number }[];
					properties: Record<string, { value: string; events: number }[]>;
					traits: Record<string, { value: string }[]>;
					tools: { name: string; error: string; events: number }[];
				};
			};
		};
		// Read from the issue's latest events (at most 1,000): here all 4, the base of every share.
		expect(data.breakdowns.sample).toEqual({ events: 4, users: 4 });
		expect(data.breakdowns.model.map((m) => [m.value, m.events]).sort()).toEqual([
			["claude-3", 2],
			["gpt-4o", 2],
		]);
		expect(data.breakdowns.properties.prompt_version!.map((v) => [v.value, v.events])).toEqual([
			["v7", 3],
			["v8", 1],
		]);
		expect(data.breakdowns.traits.plan!.map((v) => v.value)).toEqual(["pro"]);
		// All 4 of the issue's users called the failing tool; 4 of the project's 7 users did.
		expect(data.breakdowns.tools).toEqual([{ name: "contacts_api", error: "403", events: 4, users: 4, share: 100, baseline_users: 4, baseline_share: 57.1 }]);

		// priority = users × (1 + negative share) × achievable delta × strategic relevance
		const files = list.find((i) => i.signal === "refusal" && /file/.test(i.title))!;
		expect(files.priority_factors.negative_sentiment).toBeCloseTo(1.67, 2);
		expect(files.priority).toBeCloseTo(3 * 1.67, 1);
		expect(contacts.priority).toBe(4);
		expect(list[0]!.id).toBe(files.id);
	});

	it("puts each value's share of the issue's users beside its share of all users, most over-represented first", async () => {
		const seeded = await seedProject("Baseline");
		const p = seeded.projectId;
		const t = Date.now() - 3_600_000;
		// 7 users hit the contacts refusal: 4 on gpt-4o, 3 on claude-3 (prompt v8). 21 other users
		// chat without it: 20 on gpt-4o, 1 on claude-3. gpt-4o is the issue's most frequent model,
		// but it carries 24 of all 28 users; claude-3 carries 4 of 28 and 3 of the issue's 7.
		const refusal = (i: number, model: string, prompt: string) =>
			ev(p, `r${i}`, t + i, {
				user_id: `ru${i}`,
				model,
				input: "Export my contacts",
				output: CONTACT_REFUSALS[i % CONTACT_REFUSALS.length],
				properties: { prompt_version: prompt },
			});
		const healthy = (i: number, model: string) =>
			ev(p, `h${i}`, t + 100 + i, { user_id: `hu${i}`, model, input: "What is 2 + 2?", output: "2 + 2 = 4.", properties: { prompt_version: "v7" } });
		await store([
			...[0, 1, 2, 3].map((i) => refusal(i, "gpt-4o", "v7")),
			...[4, 5, 6].map((i) => refusal(i, "claude-3", "v8")),
			...Array.from({ length: 20 }, (_, i) => healthy(i, "gpt-4o")),
			healthy(20, "claude-3"),
		]);
		const list = ((await (await get("/api/issues", seeded.readKey)).json()) as { data: IssueListItem[] }).data;
		const contacts = list.find((i) => /contact/.test(i.title))!;
		type Row = { value: string; users: number; share: number; baseline_users: number; baseline_share: number };
		const { data } = (await (await get(`/api/issues/${contacts.id}`, seeded.readKey)).json()) as {
			data: {
				breakdowns: {
					window: { from: string; to: string };
					sample: { users: number };
					baseline: { events: number; users: number; per_day: number };
					model: Row[];
					properties: Record<string, Row[]>;
				};
			};
		};
		const b = data.breakdowns;
		expect(b.window.to).toBe(new Date().toISOString().slice(0, 10));
		expect(Date.parse(b.window.to) - Date.parse(b.window.from)).toBe(29 * DAY);
		expect(b.sample.users).toBe(7);
		expect(b.baseline).toEqual({ events: 28, users: 28, per_day: 200 });
		expect(b.model.map((m) => m.value)).toEqual(["claude-3", "gpt-4o"]);
		expect(b.model[0]).toMatchObject({ value: "claude-3", users: 3, share: 42.9, baseline_users: 4, baseline_share: 14.3 });
		expect(b.model[1]).toMatchObject({ value: "gpt-4o", users: 4, share: 57.1, baseline_users: 24, baseline_share: 85.7 });
		expect(b.properties.prompt_version!.map((v) => [v.value, v.share, v.baseline_share])).toEqual([
			["v8", 42.9, 10.7],
			["v7", 57.1, 89.3],
		]);

		// Before / after by model carries the same baseline: each side's share of the issue's users and of all users.
		const cmp = (await (await get(`/api/issues/${contacts.id}/compare?by=model&a=claude-3&b=gpt-4o`, seeded.readKey)).json()) as {
			data: { a: { affected: number; total: number; baseline: unknown }; b: { baseline: unknown }; window: { from: string; to: string } };
		};
		expect(cmp.data.a).toMatchObject({ affected: 3, total: 4, baseline: { active_users: 28, share: 14.3, issue_users: 7, issue_share: 42.9 } });
		expect(cmp.data.b).toMatchObject({ baseline: { active_users: 28, share: 85.7, issue_users: 7, issue_share: 57.1 } });
		expect(cmp.data.window).toEqual(b.window);
	});

	it("pages the list by its cursor: page 2 continues page 1 without duplicates or gaps, to a last page without one", async () => {
		// Seven more issues without events: priority 0, ordered by last seen, two of them tied (then by id).
		for (const [i, lastSeen] of [5, 3, 3, 9, 1, 7, 2].entries()) {
			await env.DB.prepare(
				"INSERT INTO issues (id, project_id, signal, title, description, state, model, first_seen, last_seen, created_at) VALUES (?, ?, 'refusal', ?, 'x', 'new', 'm', 0, ?, 0)",
			)
				.bind(`iss_page${i}`, project.projectId, `page ${i}`, D0 - lastSeen * DAY)
				.run();
		}
		const whole = (await (await get(`/api/issues?${window}&limit=200`)).json()) as { data: IssueListItem[]; total: number; next_cursor: string | null };
		expect(whole.data).toHaveLength(8);
		expect(whole.total).toBe(8);
		expect(whole.next_cursor).toBeNull();
		const ids: string[] = [];
		let cursor = "";
		for (let n = 0; n < 10; n++) {
			const res = await get(`/api/issues?${window}&limit=3${cursor}`);
			expect(res.status).toBe(200);
			const page = (await res.json()) as { data: IssueListItem[]; total: number; next_cursor: string | null };
			expect(page.total).toBe(8);
			ids.push(...page.data.map((i) => i.id));
			if (!page.next_cursor) break;
			cursor = `&cursor=${page.next_cursor}`;
		}
		expect(ids).toEqual(whole.data.map((i) => i.id));
		expect(new Set(ids).size).toBe(8);
		const bad = await get(`/api/issues?${window}&cursor=nonsense`);
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toEqual(["cursor"]);
	});

	it("lets the admin key set achievable delta and strategic relevance, which reorder the list", async () => {
		const [first] = ((await (await get("/api/issues")).json()) as { data: IssueListItem[] }).data;
		const patch = (key: string, body: unknown) => SELF.fetch(`https://api.test/api/issues/${first!.id}`, authed(key, body, { method: "PATCH" }));
		expect((await patch(project.readKey, { strategic_relevance: 2 })).status).toBe(403);
		expect((await patch(admin, { strategic_relevance: 11 })).status).toBe(400);
		const res = await patch(admin, { strategic_relevance: 2, achievable_delta: 0.5 });
		expect(res.status).toBe(200);
		const { data } = (await res.json()) as { data: { priority_factors: { strategic_relevance: number; achievable_delta: number } } };
		expect(data.priority_factors).toMatchObject({ strategic_relevance: 2, achievable_delta: 0.5 });
	});
});
