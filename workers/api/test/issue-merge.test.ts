import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { topicText } from "#core/detection/signal-vocabulary";
import { unitMean } from "#core/embedding/embedder";
import { issuePorts } from "../../detect/src/ingest-batch/consume-batch";
import { maintainIssues } from "../../detect/src/issues/issue-maintenance";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import { sentenceEncoder } from "#shared/adapters/sentence-encoder";
import { seedAdminKey } from "../../shared/test/admin-key";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import { CONTACT_REFUSALS, FILE_REFUSALS } from "../../shared/test/refusal-texts";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { detectBindings, ev, store } from "./seed-events";

// A person's merge (the api route) and the maintenance pass's merge are one operation (workers/shared/src/stores/issue-store.ts).
afterEach(async () => {
	await expectAggregatesMatch();
});

const T = Date.now() - 3_600_000;
let project: TestProject;
let admin: string;

beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
});

const maintain = async () => maintainIssues(await issuePorts(detectBindings()));
const post = (path: string, body: unknown) => SELF.fetch(`https://api.test${path}`, authed(admin, body));
const vectorIds = (...ids: string[]) =>
	env.DB.prepare("SELECT id FROM vectors WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id")
		.bind(JSON.stringify(ids))
		.all<{ id: string }>()
		.then((r) => r.results.map((v) => v.id));
const exemplarsOf = (issueId: string) =>
	env.DB.prepare("SELECT id, event_id, indexed_at FROM issue_exemplars WHERE issue_id = ? ORDER BY event_id")
		.bind(issueId)
		.all<{ id: string; event_id: string; indexed_at: number | null }>()
		.then((r) => r.results);
const issueIds = () =>
	env.DB.prepare("SELECT id FROM issues WHERE project_id = ? ORDER BY id")
		.bind(project.projectId)
		.all<{ id: string }>()
		.then((r) => r.results.map((i) => i.id));

describe("merging issues", () => {
	it("a person's merge moves the merged issue's exemplars to the target and removes its centre from the index", async () => {
		const p = project.projectId;
		await store([
			...CONTACT_REFUSALS.slice(0, 4).map((output, i) => ev(p, `c${i}`, T + i, { user_id: `c${i}`, output })),
			...FILE_REFUSALS.map((output, i) => ev(p, `f${i}`, T + i, { user_id: `f${i}`, output })),
		]);
		const { results } = await env.DB.prepare("SELECT id, title FROM issues WHERE project_id = ?").bind(p).all<{ id: string; title: string }>();
		const contacts = results.find((r) => /contact/.test(r.title))!;
		const files = results.find((r) => /file/.test(r.title))!;
		// Teach the files issue an exemplar (c3 belongs there), and index it.
		expect((await post(`/api/issues/${contacts.id}/move`, { event_id: "c3", to: files.id })).status).toBe(200);
		expect((await maintain()).exemplars).toBe(1);
		const [taught] = await exemplarsOf(files.id);
		expect(await vectorIds(files.id, contacts.id, taught!.id)).toEqual([files.id, contacts.id, taught!.id].sort());

		const res = await post(`/api/issues/${files.id}/merge`, { into: contacts.id });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ data: { merged: files.id, into: contacts.id } });
		expect(await issueIds()).toEqual([contacts.id]);
		expect(await exemplarsOf(files.id)).toEqual([]);
		const moved = await exemplarsOf(contacts.id);
		// The taught exemplar moved (to be re-indexed under the target), next to the merge's own teaching.
		expect(moved.find((x) => x.id === taught!.id)).toEqual({ id: taught!.id, event_id: "c3", indexed_at: null });
		expect(await vectorIds(files.id)).toEqual([]);
		expect(await vectorIds(contacts.id)).toEqual([contacts.id]);
		const history = await env.DB.prepare(
			"SELECT issue_id, from_state, to_state, changed_by, reason FROM issue_state_changes WHERE issue_id IN (?, ?) AND (to_state = 'merged' OR reason LIKE 'absorbed%') ORDER BY issue_id",
		)
			.bind(files.id, contacts.id)
			.all();
		expect(history.results).toEqual(
			[
				{ issue_id: files.id, from_state: "new", to_state: "merged", changed_by: expect.stringMatching(/^key:/), reason: `merged into ${contacts.id}` },
				{ issue_id: contacts.id, from_state: "new", to_state: "new", changed_by: expect.stringMatching(/^key:/), reason: `absorbed ${files.id}` },
			].sort((a, b) => (a.issue_id < b.issue_id ? -1 : 1)),
		);
	});

	it("the maintenance pass's merge of duplicates moves exemplars too and removes the merged centre", async () => {
		const p = project.projectId;
		await store(CONTACT_REFUSALS.slice(0, 6).map((output, i) => ev(p, `c${i}`, T + i, { user_id: `c${i}`, output })));
		const [whole] = await issueIds();
		const encoder = await sentenceEncoder(detectBindings());
		// Two issues with the same centre, as two separate promotions could leave; the smaller was taught an exemplar.
		await env.DB.prepare(
			"INSERT INTO issues (id, project_id, signal, title, description, state, model, first_seen, last_seen, created_at) VALUES ('iss_dup', ?, 'refusal', 'contacts', 'x', 'new', ?, 0, 0, ?)",
		)
			.bind(p, encoder.model, Date.now())
			.run();
		await env.DB.prepare("UPDATE issue_events SET issue_id = 'iss_dup' WHERE issue_id = ? AND event_id IN ('c0', 'c1')").bind(whole!).run();
		await env.DB.prepare(
			"INSERT INTO issue_exemplars (id, project_id, signal, event_id, kind, issue_id, text, created_by, created_at) VALUES ('ex_dup', ?, 'refusal', 'c0', 'must', 'iss_dup', ?, 'key:test', ?)",
		)
			.bind(p, CONTACT_REFUSALS[0], Date.now())
			.run();
		const index = new D1VectorIndex(env.DB, encoder.model);
		const centre = unitMean(await encoder.embed(CONTACT_REFUSALS.map((t) => topicText(t, "refusal"))));
		await index.upsert([{ id: "iss_dup", namespace: `${p}:refusal`, values: centre, metadata: { issue_id: "iss_dup" } }]);

		expect((await maintain()).merged).toBe(1);
		expect(await issueIds()).toEqual([whole]);
		expect(await exemplarsOf("iss_dup")).toEqual([]);
		expect(await exemplarsOf(whole!)).toEqual([{ id: "ex_dup", event_id: "c0", indexed_at: null }]);
		expect(await vectorIds("iss_dup")).toEqual([]);
		const record = await env.DB.prepare(
			"SELECT to_state, changed_by, reason FROM issue_state_changes WHERE issue_id = 'iss_dup' AND to_state = 'merged'",
		).first();
		expect(record).toEqual({ to_state: "merged", changed_by: "system", reason: `merged into ${whole}` });
		// The next pass indexes the moved exemplar under the issue it now belongs to.
		expect((await maintain()).exemplars).toBe(1);
		const vector = await env.DB.prepare("SELECT metadata FROM vectors WHERE id = 'ex_dup'").first<{ metadata: string }>();
		expect(JSON.parse(vector!.metadata)).toMatchObject({ issue_id: whole });
	});
});
