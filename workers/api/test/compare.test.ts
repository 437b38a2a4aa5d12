import { SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ev, store } from "./seed-events";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";

const DAY = 86_400_000;
const D1 = Date.UTC(2026, 10, 16, 10);
const REFUSALS = CONTACT_REFUSALS;
let project: TestProject;

beforeEach(async () => {
	project = await seedProject();
	const p = project.projectId;
	// Day 1: claude-3 refuses 6 of its 12 users; gpt-4o serves 12 users fine. Day 2: everyone fine on both.
	await store([
		...Array.from({ length: 12 }, (_, i) =>
			ev(p, `c${i}`, D1 + i, { user_id: `c${i}`, model: "claude-3", properties: { prompt_version: "v7" }, output: i < 6 ? REFUSALS[i]! : "Done, exported." }),
		),
		...Array.from({ length: 12 }, (_, i) =>
			ev(p, `g${i}`, D1 + i, { user_id: `g${i}`, model: "gpt-4o", properties: { prompt_version: "v8" }, output: "Done, exported." }),
		),
		...Array.from({ length: 10 }, (_, i) => ev(p, `d2_${i}`, D1 + DAY + i, { user_id: `c${i}`, model: "claude-3", output: "Here you go." })),
	]);
});

const get = (path: string) => SELF.fetch(`https://api.test${path}`, authed(project.readKey));

async function issueId() {
	const { data } = (await (await get("/api/issues?from=2026-11-16&to=2026-11-17")).json()) as { data: { id: string; signal: string }[] };
	return data.find((i) => i.signal === "refusal")!.id;
}

describe("before / after comparisons", () => {
	it("finds an issue concentrated on one model, with a significant difference", async () => {
		const res = await get(`/api/issues/${await issueId()}/compare?by=model&a=gpt-4o&b=claude-3&from=2026-11-16&to=2026-11-17`);
		expect(res.status).toBe(200);
		const { data } = (await res.json()) as {
			data: {
				a: { affected: number; total: number };
				b: { affected: number; total: number; rate: number };
				difference_pp: number;
				p_value: number;
				significant: boolean;
			};
		};
		expect(data.a).toMatchObject({ affected: 0, total: 12 });
		expect(data.b).toMatchObject({ affected: 6, total: 12, rate: 50 });
		expect(data.difference_pp).toBe(50);
		expect(data.significant).toBe(true);
		expect(data.p_value).toBeLessThan(0.01);
	});

	it("compares prompt versions through any property", async () => {
		const { data } = (await (
			await get(`/api/issues/${await issueId()}/compare?by=property.prompt_version&a=v8&b=v7&from=2026-11-16&to=2026-11-17`)
		).json()) as { data: { kind: string; b: { affected: number } } };
		expect(data.kind).toBe("property.prompt_version");
		expect(data.b.affected).toBe(6);
	});

	it("compares two time ranges for an issue and for a signal", async () => {
		const issue = (await (await get(`/api/issues/${await issueId()}/compare?a_from=2026-11-16&a_to=2026-11-16&b_from=2026-11-17&b_to=2026-11-17`)).json()) as {
			data: { a: { affected: number; total: number }; b: { affected: number; total: number }; significant: boolean };
		};
		expect(issue.data.a).toMatchObject({ affected: 6, total: 24 });
		expect(issue.data.b).toMatchObject({ affected: 0, total: 10 });
		const signal = (await (await get(`/api/signals/refusal/compare?a_from=2026-11-16&a_to=2026-11-16&b_from=2026-11-17&b_to=2026-11-17`)).json()) as {
			data: { a: { affected: number }; b: { affected: number } };
		};
		expect(signal.data.a.affected).toBe(6);
		expect(signal.data.b.affected).toBe(0);
	});

	it("answers 400 naming what is missing", async () => {
		const id = await issueId();
		const none = await get(`/api/issues/${id}/compare`);
		expect(none.status).toBe(400);
		const half = await get(`/api/issues/${id}/compare?by=model&a=gpt-4o`);
		expect(await half.json()).toMatchObject({ error: { details: [{ field: "b" }] } });
		const badKey = await get(`/api/issues/${id}/compare?by=property.bad'key&a=1&b=2`);
		expect(badKey.status).toBe(400);
		expect((await get(`/api/signals/refusal/compare?a_from=2026-11-16`)).status).toBe(400);
	});

	it("ranks every issue by how its share of users moved between two ranges", async () => {
		const id = await issueId();
		const ranges = "a_from=2026-11-16&a_to=2026-11-16&b_from=2026-11-17&b_to=2026-11-17";
		type Changes = {
			data: {
				a: { active_users: number };
				b: { active_users: number };
				issues: { id: string; a: { users: number; rate: number }; b: { users: number; rate: number }; difference_pp: number; significant: boolean }[];
				more: number;
			};
		};
		const better = (await (await get(`/api/issues/changes?${ranges}&order=better`)).json()) as Changes;
		expect(better.data.a.active_users).toBe(24);
		expect(better.data.b.active_users).toBe(10);
		expect(better.data.issues[0]).toMatchObject({ id, a: { users: 6, rate: 25 }, b: { users: 0, rate: 0 }, difference_pp: -25 });
		// Reversed ranges: the same issue is the biggest rise.
		const worse = (await (
			await get(`/api/issues/changes?a_from=2026-11-17&a_to=2026-11-17&b_from=2026-11-16&b_to=2026-11-16&signal=refusal`)
		).json()) as Changes;
		expect(worse.data.issues[0]).toMatchObject({ id, difference_pp: 25 });
		expect(worse.data.issues.every((i) => i.difference_pp <= 25)).toBe(true);
		const one = (await (await get(`/api/issues/changes?${ranges}&limit=1&signal=refusal`)).json()) as Changes;
		expect(one.data.issues).toHaveLength(1);
		// Another project sees none of it.
		const other = await seedProject("Other");
		const theirs = (await (await SELF.fetch(`https://api.test/api/issues/changes?${ranges}`, authed(other.readKey))).json()) as Changes;
		expect(theirs.data.issues).toEqual([]);
		const bad = await get(`/api/issues/changes?a_from=2026-11-16&order=sideways&limit=0`);
		expect(bad.status).toBe(400);
		const fields = ((await bad.json()) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
		expect(fields).toEqual(expect.arrayContaining(["a_to", "order", "limit"]));
	});
});
