import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import type { EventDetail } from "#core/api/events";
import { issuePorts } from "../../detect/src/ingest-batch/consume-batch";
import { maintainIssues } from "../../detect/src/issues/issue-maintenance";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { detectBindings, ev, sig, store } from "./seed-events";
import { REFUND_REQUESTS as REFUND, PASSWORD_REQUESTS as PASSWORD } from "../../shared/test/user-requests";

// Every test here ends with the trigger-kept aggregates (issue_days, issue_user_days, intent_signal_days) equal to a recount.
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
		...REFUND.map((input, i) =>
			ev(p, `r${i}`, T + i, { user_id: `ru${i}`, input, output: i < 2 ? "I'm sorry, but I can't process refunds." : "Done, refunded." }),
		),
		...PASSWORD.map((input, i) => ev(p, `p${i}`, T + i, { user_id: `pu${i}`, input, output: "Use the reset link in Settings." })),
	]);
	await store([sig(p, "p0", "thumbs_down", { user_id: "pu0" })]);
});

const get = (path: string, key = project.readKey) => SELF.fetch(`https://api.test${path}`, authed(key));
type Intent = { id: string; name: string; events: number; users: number; pct_users: number; renamed: boolean };
const intents = async () => ((await (await get("/api/intents")).json()) as { data: Intent[] }).data;

describe("intents", () => {
	it("discovers what users ask for and names it", async () => {
		const list = await intents();
		expect(list).toHaveLength(2);
		expect(list.map((i) => i.events)).toEqual([4, 4]);
		expect(list.map((i) => i.name).join(" | ")).toMatch(/refund/);
		expect(list.map((i) => i.name).join(" | ")).toMatch(/password/);
		expect(list[0]!.pct_users).toBe(50);
	});

	it("gives each event its intent, and new inputs join the intent they resemble", async () => {
		const { data } = (await (await get("/api/events/r0")).json()) as { data: EventDetail };
		expect(data.intent?.name).toMatch(/refund/);
		await store([ev(project.projectId, "r9", T + 100, { user_id: "x9", input: "I would like a refund for my order please" })]);
		const refund = (await intents()).find((i) => /refund/.test(i.name))!;
		expect(refund.events).toBe(5);
	});

	it("reads issues as signal × intent: which signals each intent's users had", async () => {
		const { data } = (await (await get("/api/intents/matrix")).json()) as {
			data: { name: string; users: number; signals: Record<string, { users: number; pct: number }> }[];
		};
		const refund = data.find((r) => /refund/.test(r.name))!;
		const password = data.find((r) => /password/.test(r.name))!;
		expect(refund.signals.refusal).toEqual({ users: 2, pct: 50 });
		expect(password.signals.thumbs_down).toEqual({ users: 1, pct: 25 });
		expect(password.signals.refusal).toBeUndefined();
	});

	it("ranks intents by priority: users with negative signals × the factors a person sets", async () => {
		type Row = { intent_id: string; name: string; negative_users: number; priority: number };
		const matrix = async () => ((await (await get("/api/intents/matrix")).json()) as { data: Row[] }).data;
		const refund = (await matrix()).find((r) => /refund/.test(r.name))!;
		expect(refund).toMatchObject({ negative_users: 2, priority: 2 });
		const res = await SELF.fetch(
			`https://api.test/api/intents/${refund.intent_id}`,
			authed(admin, { achievable_delta: 0.5, strategic_relevance: 3 }, { method: "PATCH" }),
		);
		expect(res.status).toBe(200);
		expect((await matrix()).find((r) => r.intent_id === refund.intent_id)!.priority).toBe(3);
		const bad = await SELF.fetch(`https://api.test/api/intents/${refund.intent_id}`, authed(admin, { achievable_delta: -1 }, { method: "PATCH" }));
		expect(bad.status).toBe(400);
	});

	it("lets the admin key rename and merge intents; merged intents' vectors stop attracting inputs", async () => {
		const [a, b] = await intents();
		expect((await SELF.fetch(`https://api.test/api/intents/${a!.id}`, authed(project.readKey, { name: "x" }, { method: "PATCH" }))).status).toBe(403);
		const renamed = await SELF.fetch(`https://api.test/api/intents/${a!.id}`, authed(admin, { name: "Account help" }, { method: "PATCH" }));
		expect(renamed.status).toBe(200);
		expect((await intents()).find((i) => i.id === a!.id)).toMatchObject({ name: "Account help", renamed: true });
		const merged = await SELF.fetch(`https://api.test/api/intents/${b!.id}/merge`, authed(admin, { into: a!.id }));
		expect(merged.status).toBe(200);
		const after = await intents();
		expect(after.map((i) => [i.id, i.events])).toEqual([[a!.id, 8]]);
		// An input like the merged intent's must not land on the deleted id.
		await store([ev(project.projectId, "late", T + 200, { user_id: "late", input: (/refund/.test(b!.name) ? REFUND : PASSWORD)[0]! })]);
		const dangling = await env.DB.prepare("SELECT count(*) AS n FROM event_intents WHERE intent_id = ?").bind(b!.id).first<{ n: number }>();
		expect(dangling!.n).toBe(0);
		expect((await SELF.fetch(`https://api.test/api/intents/${a!.id}/merge`, authed(admin, { into: a!.id }))).status).toBe(400);
	});
});

describe("conversation-level intents and sub-intents", () => {
	it("counts each conversation under the intent of its opening request", async () => {
		const p = project.projectId;
		await store([
			ev(p, "a1", T + 1000, { user_id: "ca", convo_id: "A", input: "I want a refund for my order" }),
			ev(p, "a2", T + 2000, { user_id: "ca", convo_id: "A", input: "also I forgot my password" }),
			ev(p, "b1", T + 1000, { user_id: "cb", convo_id: "B", input: "how do I reset my password" }),
		]);
		const res = await get("/api/intents?level=conversation");
		const body = (await res.json()) as { conversations: number; data: { name: string; conversations: number; pct_conversations: number }[] };
		expect(body.conversations).toBe(2);
		expect(body.data.map((d) => d.conversations)).toEqual([1, 1]);
		expect(body.data.find((d) => /password/.test(d.name))!.pct_conversations).toBe(50);
		expect((await get("/api/intents?level=weird")).status).toBe(400);
	});

	it("splits a mixed intent into sub-intents on the next pass", async () => {
		const [a, b] = await intents();
		await SELF.fetch(`https://api.test/api/intents/${b!.id}/merge`, authed(admin, { into: a!.id }));
		const res = await SELF.fetch(`https://api.test/api/intents/${a!.id}/split`, authed(admin, {}));
		expect(res.status).toBe(202);
		expect((await maintainIssues(await issuePorts(detectBindings()))).split).toBe(1);
		const after = (await (await get("/api/intents")).json()) as { data: (Intent & { parent_id: string | null })[] };
		expect(after.data.map((i) => i.events).sort()).toEqual([4, 4]);
		expect(after.data.find((i) => i.id !== a!.id)!.parent_id).toBe(a!.id);
	});
});
