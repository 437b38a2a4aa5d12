import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ev, store } from "./seed-events";

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 10, 12);
const CONTACTS = ["I'm sorry, but I can't access your contacts.", "I don't have access to your contact list.", "Unfortunately I cannot read your contacts on this device.", "I can't open your address book or contacts."];
let project: TestProject;
let admin: string;

interface IssueListItem {
	id: string;
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
		expect(body.data[0]).toMatchObject({ state: "new", events: 4, users: 3, window_users: 3, pct_users: 75 });
		expect(body.data[0]!.title).toMatch(/contact/);
	});

	it("shows an issue with its daily series, examples with evidence, and state history", async () => {
		const [issue] = ((await (await get(`/api/issues?${window}`)).json()) as { data: IssueListItem[] }).data;
		const res = await get(`/api/issues/${issue!.id}?${window}`);
		const { data } = (await res.json()) as { data: { series: { day: string; events: number }[]; examples: { evidence: { text: string } | null }[]; history: { to: string; by: string }[] } };
		expect(data.series.map((d) => d.events)).toEqual([1, 1, 1, 1]);
		expect(data.examples.length).toBeGreaterThanOrEqual(3);
		expect(data.examples[0]!.evidence?.text).toBeTruthy();
		expect(data.history).toEqual([expect.objectContaining({ to: "new", by: "system" })]);
	});

	it("resolves with the admin key, recording who; read keys get 403; then new events regress it", async () => {
		const [issue] = ((await (await get(`/api/issues?${window}`)).json()) as { data: IssueListItem[] }).data;
		const change = (key: string, body: unknown) => SELF.fetch(`https://api.test/api/issues/${issue!.id}/state`, authed(key, body));
		expect((await change(project.readKey, { state: "resolved" })).status).toBe(403);
		const res = await change(admin, { state: "resolved", reason: "fixed the contacts tool" });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ data: { state: "resolved", previous_state: "new" } });
		await store([ev(project.projectId, "after", Date.now() + 1000, { user_id: "u7", input: "Export my contacts", output: "I can't access your contacts, sorry." })]);
		const { data } = (await (await get(`/api/issues/${issue!.id}`)).json()) as { data: { state: string; history: { to: string; by: string; reason: string | null }[] } };
		expect(data.state).toBe("regressed");
		expect(data.history.map((h) => h.to)).toEqual(["new", "resolved", "regressed"]);
		expect(data.history[1]!.by).toMatch(/^key:/);
		expect(data.history[1]!.reason).toBe("fixed the contacts tool");
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
