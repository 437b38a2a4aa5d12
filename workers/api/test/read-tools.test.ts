import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedAdminKey } from "../../shared/test/admin-key";
import { seedProject } from "../../shared/test/seed-project";
import { clipJson, collectLinks, findReadTool, MAX_TOOL_RESULT_CHARS, READ_TOOLS, runReadTool, toolRequestPath } from "../src/assistant/read-tools";
import app from "../src/index";

const ctxFor = (key: string) => ({
	fetch: async (request: Request) => {
		const ctx = createExecutionContext();
		const res = await app.fetch(request, env, ctx);
		await waitOnExecutionContext(ctx);
		return res;
	},
	authorization: `Bearer ${key}`,
	dashboardUrl: "https://dash.test/",
});

describe("a tool's request", () => {
	it("fills path parameters encoded, repeats lists, turns properties into property filters", () => {
		expect(toolRequestPath(findReadTool("get_issue")!, { id: "../project/keys" })).toBe("/api/issues/..%2Fproject%2Fkeys");
		expect(toolRequestPath(findReadTool("signal_rates")!, { signal: ["refusal", "win"], from: "2026-11-01", to: undefined })).toBe(
			"/api/signals/rates?signal=refusal&signal=win&from=2026-11-01",
		);
		expect(toolRequestPath(findReadTool("list_events")!, { properties: { plan: "pro", "a.b": "x y" }, limit: 5 })).toBe(
			"/api/events?property.plan=pro&property.a.b=x+y&limit=5",
		);
	});

	it("cannot reach a route that is not its own, even with an admin key", async () => {
		const project = await seedProject();
		const admin = await seedAdminKey(project.projectId);
		// A path-like id stays one segment: the issue route answers not found, never the key list.
		const result = await runReadTool("get_issue", { id: "../project/keys" }, ctxFor(admin));
		expect(result).toMatchObject({ ok: false, error: { code: "issue_not_found" } });
		expect(JSON.stringify(result)).not.toContain("bm_");
		const unknown = await runReadTool("list_keys", {}, ctxFor(admin));
		expect(unknown).toMatchObject({ ok: false, error: { code: "unknown_tool" } });
		if (!unknown.ok) for (const t of READ_TOOLS) expect(unknown.error.message).toContain(t.name);
		const extra = await runReadTool("list_issues", { limit: 5, kind: "admin" }, ctxFor(admin));
		expect(extra).toMatchObject({ ok: false, error: { code: "invalid_arguments" } });
	});
});

describe("a tool's answer", () => {
	it("is cut to the limit as valid JSON, strings first, then the tails of lists", () => {
		const big = { data: Array.from({ length: 400 }, (_, i) => ({ event_id: `e${i}`, input: "x".repeat(3000) })) };
		const { data, truncated } = clipJson(big, MAX_TOOL_RESULT_CHARS);
		expect(truncated).toBe(true);
		const text = JSON.stringify(data);
		expect(text.length).toBeLessThanOrEqual(MAX_TOOL_RESULT_CHARS);
		const rows = (data as { data: unknown[] }).data;
		expect(rows[0]).toMatchObject({ event_id: "e0" });
		expect(rows.at(-1)).toMatch(/more$/);
		expect(clipJson({ a: 1 }, 100)).toEqual({ data: { a: 1 }, truncated: false });
	});

	it("links the issues, events and conversations it names, once each", () => {
		const links = collectLinks(
			{
				data: [
					{ id: "iss_1", title: "Claims it cannot access contacts", examples: [{ event_id: "e 1", convo_id: "c/1" }] },
					{ id: "iss_1", title: "Claims it cannot access contacts" },
					{ id: "int_1", title: "not an issue" },
				],
			},
			"https://dash.test/",
		);
		expect(links).toEqual([
			{ kind: "issue", id: "iss_1", title: "Claims it cannot access contacts", url: "https://dash.test/issues/iss_1" },
			{ kind: "event", id: "e 1", url: "https://dash.test/events/e%201" },
			{ kind: "conversation", id: "c/1", url: "https://dash.test/conversations/c%2F1" },
		]);
		const many = collectLinks({ data: Array.from({ length: 80 }, (_, i) => ({ event_id: `e${i}` })) }, "https://dash.test");
		expect(many).toHaveLength(50);
	});
});
