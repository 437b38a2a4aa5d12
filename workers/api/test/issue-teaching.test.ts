import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import { issuePorts } from "../../detect/src/ingest-batch/consume-batch";
import { maintainIssues } from "../../detect/src/issues/issue-maintenance";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { detectBindings, ev, store } from "./seed-events";
import { CONTACT_REFUSALS, FILE_REFUSALS } from "../../shared/test/refusal-texts";

// Every test here ends with the trigger-kept aggregates (issue_days, issue_user_days, intent_signal_days) equal to a recount.
afterEach(async () => {
	await expectAggregatesMatch();
});

const T = Date.now() - 3_600_000;
const CONTACTS = CONTACT_REFUSALS.slice(0, 4);
const FILES = FILE_REFUSALS;
let project: TestProject;
let admin: string;

beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	const p = project.projectId;
	await store([
		...CONTACTS.map((output, i) => ev(p, `c${i}`, T + i, { user_id: `c${i}`, output })),
		...FILES.map((output, i) => ev(p, `f${i}`, T + i, { user_id: `f${i}`, output })),
	]);
});

const maintain = async () => maintainIssues(await issuePorts(detectBindings()));
const post = (path: string, body: unknown, key = admin) => SELF.fetch(`https://api.test${path}`, authed(key, body));
async function refusalIssues() {
	const { results } = await env.DB.prepare(
		"SELECT id, title, (SELECT count(*) FROM issue_events e WHERE e.issue_id = issues.id) AS events FROM issues WHERE project_id = ? AND signal = 'refusal'",
	)
		.bind(project.projectId)
		.all<{ id: string; title: string; events: number }>();
	return { contacts: results.find((r) => /contact/.test(r.title))!, files: results.find((r) => /file/.test(r.title))!, all: results };
}
const issueOfEvent = (eventId: string) =>
	env.DB.prepare("SELECT issue_id FROM issue_events WHERE project_id = ? AND event_id = ? AND signal = 'refusal'")
		.bind(project.projectId, eventId)
		.first<{ issue_id: string }>()
		.then((r) => r?.issue_id ?? null);

describe("teaching the grouper", () => {
	it("moving an event to another issue sends similar future events there too", async () => {
		const { contacts, files } = await refusalIssues();
		const res = await post(`/api/issues/${contacts.id}/move`, { event_id: "c3", to: files.id });
		expect(res.status).toBe(200);
		expect(await issueOfEvent("c3")).toBe(files.id);
		expect((await maintain()).exemplars).toBe(1);
		await store([ev(project.projectId, "n1", T + 100, { user_id: "n1", output: "I can't open your address book." })]);
		expect(await issueOfEvent("n1")).toBe(files.id);
	});

	it("moving an event out keeps similar future events out of that issue", async () => {
		const { contacts } = await refusalIssues();
		expect((await post(`/api/issues/${contacts.id}/move`, { event_id: "c3" })).status).toBe(200);
		expect(await issueOfEvent("c3")).toBeNull();
		await maintain();
		await store([ev(project.projectId, "n2", T + 100, { user_id: "n2", output: "I can't open your address book or contacts." })]);
		expect(await issueOfEvent("n2")).not.toBe(contacts.id);
		// A different contacts refusal still joins.
		await store([ev(project.projectId, "n3", T + 101, { user_id: "n3", output: "Sorry, I am not able to access your contacts app." })]);
		expect(await issueOfEvent("n3")).toBe(contacts.id);
	});

	it("a merge moves the past and sends the merged issue's kind of events to the target", async () => {
		const { contacts, files } = await refusalIssues();
		const res = await post(`/api/issues/${files.id}/merge`, { into: contacts.id });
		expect(res.status).toBe(200);
		const after = await refusalIssues();
		expect(after.all.map((i) => [i.id, i.events])).toEqual([[contacts.id, 8]]);
		await maintain();
		await store([ev(project.projectId, "n4", T + 100, { user_id: "n4", output: "I can't read the PDF file you uploaded." })]);
		expect(await issueOfEvent("n4")).toBe(contacts.id);
	});

	it("refuses read keys, unknown events and cross-signal targets", async () => {
		const { contacts, files } = await refusalIssues();
		expect((await post(`/api/issues/${contacts.id}/move`, { event_id: "c1" }, project.readKey)).status).toBe(403);
		expect((await post(`/api/issues/${contacts.id}/move`, { event_id: "f1" })).status).toBe(404);
		expect((await post(`/api/issues/${contacts.id}/merge`, { into: contacts.id })).status).toBe(400);
		expect((await post(`/api/issues/${contacts.id}/merge`, { into: "iss_nope" })).status).toBe(404);
		expect(files).toBeTruthy();
	});
});

describe("ignoring and the last 48 hours", () => {
	it("brings an issue ignored until N more users back once they come, recording it", async () => {
		const { contacts } = await refusalIssues();
		const res = await post(`/api/issues/${contacts.id}/state`, { state: "ignored", until_more_users: 2 });
		expect(res.status).toBe(200);
		expect((await post(`/api/issues/${contacts.id}/state`, { state: "resolved", until_more_users: 2 })).status).toBe(400);
		await store([ev(project.projectId, "m1", Date.now() - 1000, { user_id: "new1", output: "Sorry, I can't see your contacts." })]);
		await maintain();
		expect((await refusalIssues()).contacts).toBeTruthy();
		const still = await env.DB.prepare("SELECT state FROM issues WHERE id = ?").bind(contacts.id).first<{ state: string }>();
		expect(still!.state).toBe("ignored");
		await store([ev(project.projectId, "m2", Date.now() - 900, { user_id: "new2", output: "I am not able to access your contacts app." })]);
		await maintain();
		const { results } = await env.DB.prepare("SELECT to_state, reason FROM issue_state_changes WHERE issue_id = ? ORDER BY at")
			.bind(contacts.id)
			.all<{ to_state: string; reason: string }>();
		expect(results.map((r) => r.to_state)).toEqual(["new", "ignored", "ongoing"]);
		expect(results[1]!.reason).toBe("until 2 more users");
	});

	it("gives a 48-hour hourly series next to the daily one", async () => {
		const { contacts } = await refusalIssues();
		const { data } = (await (await SELF.fetch(`https://api.test/api/issues/${contacts.id}`, authed(project.readKey))).json()) as {
			data: { hourly: { hour: string; events: number }[] };
		};
		expect(data.hourly).toHaveLength(48);
		expect(data.hourly.reduce((n, h) => n + h.events, 0)).toBe(4);
	});
});

describe("splitting an issue", () => {
	it("re-clusters a mixed issue on the next pass; new events follow the parts", async () => {
		const { contacts, files } = await refusalIssues();
		await post(`/api/issues/${files.id}/merge`, { into: contacts.id });
		const res = await post(`/api/issues/${contacts.id}/split`, {});
		expect(res.status).toBe(202);
		expect((await maintain()).split).toBe(1);
		const after = await refusalIssues();
		expect(after.all).toHaveLength(2);
		expect(after.all.map((i) => i.events).sort()).toEqual([4, 4]);
		const history = await env.DB.prepare("SELECT reason FROM issue_state_changes WHERE issue_id = ? ORDER BY at DESC LIMIT 1")
			.bind(contacts.id)
			.first<{ reason: string }>();
		expect(history!.reason).toMatch(/^split into iss_/);
		const part = after.all.find((i) => i.id !== contacts.id)!;
		const movedToPart = await env.DB.prepare("SELECT event_id FROM issue_events WHERE issue_id = ? ORDER BY event_id")
			.bind(part.id)
			.all<{ event_id: string }>();
		const partIsFiles = movedToPart.results.every((r) => r.event_id.startsWith("f"));
		const partIsContacts = movedToPart.results.every((r) => r.event_id.startsWith("c"));
		expect(partIsFiles || partIsContacts).toBe(true);
		expect((await post(`/api/issues/iss_nope/split`, {})).status).toBe(404);
	});
});
