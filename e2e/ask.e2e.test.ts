import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { LOCAL_ADMIN_KEY as ADMIN, shot, signedInPage } from "./browser";

// The dashboard's Ask page against `npm start`: offline (no Workers AI, as every local instance), and with
// a model's answer as the API gives it in production (workers/api/test/ask.test.ts drives the real route).
const BASE = inject("e2eBaseUrl");
let browser: Browser;
let page: Page;
let errors: string[];

const api = async <T>(path: string): Promise<T> => (await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json() as Promise<T>;

beforeAll(async () => {
	({ browser, page, errors } = await signedInPage(BASE));
});

afterAll(async () => {
	await browser?.close();
});

afterEach(() => {
	expect(errors).toEqual([]);
});

describe("Ask in a real browser", () => {
	it("ask: offline the panel says there is no LLM and how to ask through MCP, which the same URL serves", async () => {
		await page.goto(`${BASE}/`);
		await page.getByRole("link", { name: "Ask", exact: true }).click();
		const offline = page.getByTestId("ask-offline");
		await offline.getByRole("heading", { name: "This instance has no LLM" }).waitFor();
		expect(await page.getByTestId("ask-mcp-url").innerText()).toBe(`${BASE}/mcp`);
		const config = JSON.parse(await page.getByTestId("ask-mcp-config").innerText());
		expect(config.mcpServers.barometer).toEqual({ url: `${BASE}/mcp`, headers: { Authorization: "Bearer <your read key>" } });
		await shot(page, "ask-offline");
		// The API says the same, and the MCP URL the panel shows answers (the local gateway routes /mcp to the api).
		const asked = await fetch(`${BASE}/api/ask`, {
			method: "POST",
			headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
			body: JSON.stringify({ question: "What share of users hit a tool failure yesterday?" }),
		});
		expect(asked.status).toBe(503);
		expect(((await asked.json()) as { error: { code: string; message: string } }).error).toMatchObject({
			code: "no_llm",
			message: expect.stringContaining(`${BASE}/mcp`),
		});
		const tools = await fetch(`${BASE}/mcp`, {
			method: "POST",
			headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
			body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
		});
		expect(tools.status).toBe(200);
		expect(JSON.stringify(await tools.json())).toContain("list_issues");
	});

	it("ask: with a model, an answer links the issue it names to its page, and shows how it was answered", async () => {
		// Workers AI exists only in production: the browser is answered as the API answers there (workers/api/test/ask.test.ts drives the real route).
		const issue = (await api<{ data: { id: string; title: string; users: number }[] }>("/api/issues?limit=1")).data[0]!;
		const url = `${BASE}/issues/${encodeURIComponent(issue.id)}`;
		await page.route("**/api/ask", (route) =>
			route.request().method() === "GET"
				? route.fulfill({ json: { data: { available: true, model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast", mcp_url: `${BASE}/mcp`, examples: [] } } })
				: route.fulfill({
						json: {
							data: {
								answer: `The top issue is [${issue.title}](${url}): **${issue.users} users** (list_issues, last 14 days).\n\n- Made up: not linked`,
								links: [{ kind: "issue", id: issue.id, title: issue.title, url }],
								steps: [
									{ tool: "list_issues", arguments: { limit: 5 }, ok: true },
									{ tool: "delete_issue", arguments: {}, ok: false, error: "unknown_tool" },
								],
								usage: { steps: 3, tokens: 9120, max_steps: 6, max_tokens: 24000 },
								stopped: "answered",
								model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
							},
						},
					}),
		);
		try {
			await page.goto(`${BASE}/ask`);
			await page.getByRole("button", { name: "Which issues got worse after we switched to the new model?" }).click();
			const answer = page.getByTestId("ask-answer");
			await answer.waitFor();
			expect(await answer.locator(".ask-answer-text").innerText()).toContain(`${issue.users} users (list_issues, last 14 days)`);
			expect(await answer.locator(".ask-answer-text a").count()).toBe(1);
			await answer.getByText("How this was answered").click();
			expect(await answer.locator(".ask-step-list li").allInnerTexts()).toEqual(['list_issues {"limit":5} ok', "delete_issue {} unknown_tool"]);
			await shot(page, "ask-answer");
			await answer.getByRole("link", { name: issue.title }).click();
			await page.waitForURL(`**/issues/${encodeURIComponent(issue.id)}`);
		} finally {
			await page.unroute("**/api/ask");
		}
	});
});
