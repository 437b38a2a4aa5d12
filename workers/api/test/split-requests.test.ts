import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issuePorts } from "../../detect/src/ingest-batch/consume-batch";
import { maintainIssues } from "../../detect/src/issues/issue-maintenance";
import { seedAdminKey } from "../../shared/test/admin-key";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { detectBindings, ev, store } from "./seed-events";
import { REFUND_REQUESTS as REFUND } from "../../shared/test/user-requests";

// Issues and intents are split through one request (workers/shared/src/stores/split-requests.ts), applied by the next maintenance pass.
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
	await store(REFUND.map((input, i) => ev(p, `r${i}`, T + i, { user_id: `ru${i}`, input, output: CONTACT_REFUSALS[i] })));
});

const post = (path: string, key = admin) => SELF.fetch(`https://api.test${path}`, authed(key, {}));
const requested = (table: string, id: string) =>
	env.DB.prepare(`SELECT split_requested_at FROM ${table} WHERE id = ?`).bind(id).first<{ split_requested_at: number | null }>();

describe.each([
	{ table: "issues", code: "issue_not_found" },
	{ table: "intents", code: "intent_not_found" },
])("asking to split $table", ({ table, code }) => {
	it("answers 404 for an id not in the project, and marks nothing", async () => {
		const res = await post(`/api/${table}/nope/split`);
		expect(res.status).toBe(404);
		expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
		const marked = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE split_requested_at IS NOT NULL`).first();
		expect(marked).toEqual({ n: 0 });
	});

	it("answers 202 and marks the row until the next maintenance pass splits it", async () => {
		const row = await env.DB.prepare(`SELECT id FROM ${table} WHERE project_id = ?`).bind(project.projectId).first<{ id: string }>();
		expect(row).not.toBeNull();
		const res = await post(`/api/${table}/${row!.id}/split`);
		expect(res.status).toBe(202);
		expect(await res.json()).toEqual({ data: { id: row!.id, split: "requested" } });
		expect((await requested(table, row!.id))!.split_requested_at).toEqual(expect.any(Number));
		await maintainIssues(await issuePorts(detectBindings()));
		expect((await requested(table, row!.id))!.split_requested_at).toBeNull();
	});

	it("refuses a read-only key", async () => {
		const row = await env.DB.prepare(`SELECT id FROM ${table} WHERE project_id = ?`).bind(project.projectId).first<{ id: string }>();
		expect((await post(`/api/${table}/${row!.id}/split`, project.readKey)).status).toBe(403);
	});
});
