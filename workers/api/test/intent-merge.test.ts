import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issuePorts } from "../../detect/src/ingest-batch/consume-batch";
import { maintainIssues } from "../../detect/src/issues/issue-maintenance";
import { seedAdminKey } from "../../shared/test/admin-key";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { detectBindings, ev, store } from "./seed-events";
import { REFUND_REQUESTS as REFUND, PASSWORD_REQUESTS as PASSWORD } from "../../shared/test/user-requests";

// A person's intent merge (the api route) and the maintenance pass's merge of duplicates are one operation (workers/shared/src/stores/intent-store.ts).
afterEach(async () => {
	await expectAggregatesMatch();
});

const T = Date.now() - 3_600_000;
let project: TestProject;
let admin: string;

beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	const p = project.projectId;
	await store([
		...REFUND.map((input, i) => ev(p, `r${i}`, T + i, { user_id: `ru${i}`, input })),
		...PASSWORD.map((input, i) => ev(p, `p${i}`, T + i, { user_id: `pu${i}`, input })),
	]);
});

const maintain = async () => maintainIssues(await issuePorts(detectBindings()));
const intentsByName = () =>
	env.DB.prepare("SELECT id, name, model FROM intents WHERE project_id = ? AND parent_id IS NULL ORDER BY name")
		.bind(project.projectId)
		.all<{ id: string; name: string; model: string }>()
		.then((r) => r.results);
// Per project: the database lives on across the tests of a file.
const sub = () => `int_sub_${project.projectId}`;
const dup = () => `int_dup_${project.projectId}`;
/** A sub-intent of `parent` (as a split leaves), to see that the merge hands it to the target. */
const addSubIntent = (parent: string, model: string) =>
	env.DB.prepare("INSERT INTO intents (id, project_id, name, description, model, parent_id, created_at) VALUES (?, ?, 'sub', 'x', ?, ?, ?)")
		.bind(sub(), project.projectId, model, parent, Date.now())
		.run();

/** What every intent merge leaves: no trace of `from` (rows, events, vector), its sub-intent under `into`. */
async function expectMerged(from: string, into: string) {
	const left = await env.DB.prepare(
		"SELECT (SELECT count(*) FROM intents WHERE id = ?1) AS rows, (SELECT count(*) FROM event_intents WHERE intent_id = ?1) AS events, (SELECT count(*) FROM vectors WHERE id = ?1) AS vectors",
	)
		.bind(from)
		.first();
	expect(left).toEqual({ rows: 0, events: 0, vectors: 0 });
	expect(await env.DB.prepare("SELECT parent_id FROM intents WHERE id = ?").bind(sub()).first()).toEqual({ parent_id: into });
	expect(await env.DB.prepare("SELECT count(*) AS n FROM vectors WHERE id = ?").bind(into).first()).toEqual({ n: 1 });
}

describe("merging intents", () => {
	it("a person's merge moves events and sub-intents to the target and removes the merged centre from the index", async () => {
		const [a, b] = await intentsByName();
		await addSubIntent(b!.id, b!.model);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM vectors WHERE id = ?").bind(b!.id).first()).toEqual({ n: 1 });
		const res = await SELF.fetch(`https://api.test/api/intents/${b!.id}/merge`, authed(admin, { into: a!.id }));
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ data: { merged: b!.id, into: a!.id } });
		await expectMerged(b!.id, a!.id);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM event_intents WHERE intent_id = ?").bind(a!.id).first()).toEqual({ n: 8 });
	});

	it("the maintenance pass's merge of a duplicate does the same", async () => {
		const [a] = await intentsByName();
		// A duplicate of `a` (same name), as two separate promotions could leave, with one of its events and a sub-intent.
		await env.DB.prepare("INSERT INTO intents (id, project_id, name, description, model, created_at) VALUES (?, ?, ?, 'x', ?, ?)")
			.bind(dup(), project.projectId, a!.name, a!.model, Date.now())
			.run();
		await env.DB.prepare(
			"UPDATE event_intents SET intent_id = ?1 WHERE project_id = ?2 AND event_id = (SELECT min(event_id) FROM event_intents WHERE intent_id = ?3)",
		)
			.bind(dup(), project.projectId, a!.id)
			.run();
		await addSubIntent(dup(), a!.model);
		expect((await maintain()).intentsMerged).toBe(1);
		await expectMerged(dup(), a!.id);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM event_intents WHERE intent_id = ?").bind(a!.id).first()).toEqual({ n: 4 });
	});
});
