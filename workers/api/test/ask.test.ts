import { createExecutionContext, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { AskAnswer, AskStatus } from "#core/api/ask";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { RATE_LIMITS } from "#core/limits";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { ASK_MODEL, DEFAULT_ASK_BUDGET } from "../src/assistant/ask";
import { BUDGET_REACHED, type ChatMessage } from "../src/assistant/ask-budget";
import { READ_TOOLS } from "../src/assistant/read-tools";
import app from "../src/index";
import { seedTwoProjects } from "./seed-events";

// Ask end to end inside workerd, with a scripted model in place of Workers AI: the fake implements
// the binding's `run(model, inputs)`, answers each call from a script that may read what it was sent,
// and records every call, so a test can assert what the model saw (tool results, errors, budget notes).
const T = Date.UTC(2026, 10, 20, 10);
const window = { from: "2026-11-19", to: "2026-11-21" };
let mine: TestProject;
let theirs: TestProject;
let myIssue: { id: string; title: string; users: number };

type Inputs = { messages: ChatMessage[]; tools?: { type: string; function: { name: string; parameters: unknown } }[]; max_tokens?: number };
type Output = { response?: string; tool_calls?: unknown[]; usage?: { total_tokens: number } };

class ScriptedAi {
	readonly calls: { model: string; inputs: Inputs }[] = [];
	constructor(private readonly script: (call: number, inputs: Inputs) => Output | Promise<Output>) {}
	async run(model: string, inputs: Inputs): Promise<Output> {
		// A copy: runWithTools keeps adding to the same messages array after the call.
		this.calls.push({ model, inputs: structuredClone(inputs) });
		return this.script(this.calls.length - 1, inputs);
	}
}

/** The tool messages the model was sent on a call (tools called together answer in the order they finish). */
const toolMessages = (inputs: Inputs) => inputs.messages.filter((m) => m.role === "tool").map((m) => m.content);
const toolMessage = (inputs: Inputs, name: string) => inputs.messages.find((m) => m.role === "tool" && m.name === name)?.content;

async function ask(key: string, body: unknown, ai?: ScriptedAi) {
	const request = new Request("https://api.test/api/ask", authed(key, body));
	const response = await app.fetch(request, { ...env, ...(ai ? { AI: ai } : {}) }, createExecutionContext());
	return { status: response.status, body: (await response.json()) as { data: AskAnswer; error?: { code: string; message: string; details?: unknown[] } } };
}

beforeAll(async () => {
	({ mine, theirs } = await seedTwoProjects(T));
	const list = await app.fetch(
		new Request(`https://api.test/api/issues?from=${window.from}&to=${window.to}&signal=refusal`, authed(mine.readKey)),
		env,
		createExecutionContext(),
	);
	myIssue = ((await list.json()) as { data: { id: string; title: string; users: number }[] }).data[0]!;
	expect(myIssue.users).toBe(CONTACT_REFUSALS.length);
});

describe("POST /api/ask", () => {
	it("answers from the tools, cites the numbers, and links the issues the tools returned to the dashboard", async () => {
		const ai = new ScriptedAi((call, inputs) => {
			if (call === 0) return { tool_calls: [{ name: "list_issues", arguments: { ...window, signal: "refusal" } }], usage: { total_tokens: 3000 } };
			const seen = JSON.parse(toolMessages(inputs)[0]!) as { data: { data: { id: string; title: string; users: number; pct_users: number }[] } };
			const top = seen.data.data[0]!;
			return { response: `The top refusal is [${top.title}](issue:${top.id}): ${top.users} users (list_issues, 19–21 Nov).`, usage: { total_tokens: 3500 } };
		});
		const { status, body } = await ask(mine.readKey, { question: "Which refusals hit the most users?" }, ai);
		expect(status).toBe(200);
		const url = `https://api.test/issues/${myIssue.id}`;
		expect(body.data.answer).toBe(`The top refusal is [${myIssue.title}](${url}): ${myIssue.users} users (list_issues, 19–21 Nov).`);
		expect(body.data.links).toEqual([{ kind: "issue", id: myIssue.id, title: myIssue.title, url }]);
		expect(body.data.steps).toEqual([{ tool: "list_issues", arguments: { ...window, signal: "refusal" }, ok: true }]);
		expect(body.data).toMatchObject({
			stopped: "answered",
			model: ASK_MODEL,
			usage: { steps: 2, tokens: 6500, max_steps: 6, max_tokens: DEFAULT_ASK_BUDGET.maxTokens },
		});
		// The model had every read tool, a cap on its answer, the question, and the rules for citing.
		const first = ai.calls[0]!.inputs;
		expect(first.tools!.map((t) => t.function.name).sort()).toEqual(READ_TOOLS.map((t) => t.name).sort());
		expect(first.tools!.find((t) => t.function.name === "get_issue")!.function.parameters).toMatchObject({ type: "object", required: ["id"] });
		expect(first.max_tokens).toBe(DEFAULT_ASK_BUDGET.maxTokensPerCall);
		expect(first.messages[0]!.content).toMatch(/never guess/);
		expect(first.messages[1]).toEqual({ role: "user", content: "Which refusals hit the most users?" });
		// runWithTools asks once more after the answer; that call never reaches the model.
		expect(ai.calls).toHaveLength(2);
	});

	it("never runs a tool that does not exist, and tells the model so", async () => {
		const before = await env.DB.prepare("SELECT * FROM issues WHERE project_id = ? ORDER BY id").bind(mine.projectId).all();
		const ai = new ScriptedAi((call, inputs) => {
			if (call === 0) return { tool_calls: [{ name: "delete_issue", arguments: { id: myIssue.id } }] };
			if (call === 1) return { tool_calls: [{ name: "set_issue_state", arguments: { id: myIssue.id, state: "resolved" } }] };
			return { response: `I can only read: ${toolMessages(inputs).length} tools refused.` };
		});
		const { status, body } = await ask(mine.readKey, { question: "Delete the contacts issue and resolve it" }, ai);
		expect(status).toBe(200);
		expect(body.data.steps).toEqual([
			{ tool: "delete_issue", arguments: { id: myIssue.id }, ok: false, error: "unknown_tool" },
			{ tool: "set_issue_state", arguments: { id: myIssue.id, state: "resolved" }, ok: false, error: "unknown_tool" },
		]);
		const [error] = toolMessages(ai.calls[1]!.inputs);
		expect(error).toMatch(/no tool named `delete_issue`.*only reads.*list_issues/);
		expect(toolMessages(ai.calls[2]!.inputs)).toHaveLength(2);
		expect(body.data.answer).toBe("I can only read: 2 tools refused.");
		const after = await env.DB.prepare("SELECT * FROM issues WHERE project_id = ? ORDER BY id").bind(mine.projectId).all();
		expect(after.results).toEqual(before.results);
	});

	it("gives the model nothing of another project, and leaves that project's ids unlinked", async () => {
		const ai = new ScriptedAi((call) => {
			if (call === 0)
				return {
					tool_calls: [
						{ name: "get_issue", arguments: { id: myIssue.id } },
						{ name: "get_conversation", arguments: { id: "mc1" } },
						{ name: "get_event", arguments: { id: "m1" } },
					],
				};
			return { response: `Found [the contacts issue](issue:${myIssue.id}) and [a talk](conversation:mc1).` };
		});
		const { status, body } = await ask(theirs.readKey, { question: `What is issue ${myIssue.id}?` }, ai);
		expect(status).toBe(200);
		const seen = toolMessages(ai.calls[1]!.inputs);
		expect(seen).toHaveLength(3);
		for (const message of seen) {
			expect(message).toMatch(/not_found/);
			// The message names the id asked for; a random id can hold "u0", so it is taken out before looking for the other project's data.
			expect(message.replace(myIssue.id, "")).not.toMatch(/contacts|\bu\d+\b|model-a/i);
		}
		expect(body.data.steps.map((s) => [s.tool, s.ok, s.error])).toEqual([
			["get_issue", false, "issue_not_found"],
			["get_conversation", false, expect.stringMatching(/not_found/)],
			["get_event", false, expect.stringMatching(/not_found/)],
		]);
		expect(body.data.answer).toBe("Found the contacts issue and a talk.");
		expect(body.data.links).toEqual([]);
	});

	it("stops a model that calls tools forever at the step budget, with a last call that has no tools", async () => {
		const ai = new ScriptedAi((_, inputs) =>
			inputs.tools ? { tool_calls: [{ name: "list_signals", arguments: {} }] } : { response: "Signals listed; I could not finish the comparison." },
		);
		const { status, body } = await ask(mine.readKey, { question: "Keep looking" }, ai);
		expect(status).toBe(200);
		expect(ai.calls).toHaveLength(DEFAULT_ASK_BUDGET.maxSteps);
		const last = ai.calls.at(-1)!.inputs;
		expect(last.tools).toBeUndefined();
		expect(last.messages.at(-1)).toEqual({ role: "system", content: BUDGET_REACHED });
		expect(ai.calls.slice(0, -1).every((c) => c.inputs.tools?.length === READ_TOOLS.length)).toBe(true);
		expect(body.data.stopped).toBe("budget");
		expect(body.data.usage.steps).toBe(DEFAULT_ASK_BUDGET.maxSteps);
		expect(body.data.steps).toHaveLength(DEFAULT_ASK_BUDGET.maxSteps - 1);
		expect(body.data.answer).toBe("Signals listed; I could not finish the comparison.");
	});

	it("stops on tokens when the model reports a huge usage, and ignores tools asked for after the budget", async () => {
		const ai = new ScriptedAi((call) =>
			call === 0
				? { tool_calls: [{ name: "list_signals", arguments: {} }], usage: { total_tokens: 50_000 } }
				: { response: "Partial answer.", tool_calls: [{ name: "list_issues", arguments: {} }], usage: { total_tokens: 900 } },
		);
		const { body } = await ask(mine.readKey, { question: "Everything about everything" }, ai);
		expect(ai.calls).toHaveLength(2);
		expect(ai.calls[1]!.inputs.tools).toBeUndefined();
		expect(body.data).toMatchObject({ stopped: "budget", answer: "Partial answer.", usage: { steps: 2, tokens: 50_900 } });
		expect(body.data.steps.map((s) => s.tool)).toEqual(["list_signals"]);
	});

	it("sends malformed tool arguments back to the model with the fields named", async () => {
		const ai = new ScriptedAi((call) => {
			if (call === 0)
				return {
					tool_calls: [
						{ name: "get_issue", arguments: { id: 42 } },
						// OpenAI-style calls with JSON text arguments, as some models answer.
						{ type: "function", function: { name: "list_issues", arguments: JSON.stringify({ state: "exploded", limit: 9999 }) } },
						{ name: "list_events", arguments: "{not json" },
					],
				};
			return { response: "I could not read the data." };
		});
		const { body } = await ask(mine.readKey, { question: "Broken arguments" }, ai);
		const seen = ai.calls[1]!.inputs;
		expect(toolMessage(seen, "get_issue")).toMatch(/invalid_arguments.*`id` must be a string/);
		expect(toolMessage(seen, "list_issues")).toMatch(/invalid_arguments.*`state`.*`limit`/);
		expect(toolMessage(seen, "list_events")).toMatch(/invalid_arguments: the arguments must be a JSON object/);
		expect(body.data.steps.map((s) => [s.tool, s.error])).toEqual([
			["get_issue", "invalid_arguments"],
			["list_issues", "invalid_arguments"],
			["list_events", "invalid_arguments"],
		]);
		expect(body.data.steps[1]!.arguments).toEqual({ state: "exploded", limit: 9999 });
	});

	it("refuses an empty, an overlong or a malformed question by naming `question`, before any model call", async () => {
		const ai = new ScriptedAi(() => ({ response: "should not be asked" }));
		for (const [body, status] of [
			[{ question: "" }, 400],
			[{ question: "   " }, 400],
			[{ question: "x".repeat(20_000) }, 400],
			[{ question: 42 }, 400],
			[{}, 400],
			[{ question: "y".repeat(100_000) }, 413],
		] as const) {
			const res = await ask(mine.readKey, body, ai);
			expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(status);
			expect(res.body.error!.details).toContainEqual(expect.objectContaining({ field: "question" }));
			expect(JSON.stringify(res.body)).not.toContain("xxxxxxxxxx");
		}
		const extra = await ask(mine.readKey, { question: "fine", model: "@cf/other" }, ai);
		expect(extra.status).toBe(400);
		expect(ai.calls).toHaveLength(0);
	});

	it("says plainly that there is no model offline, and points to the MCP server", async () => {
		const { status, body } = await ask(mine.readKey, { question: "What share of users hit a tool failure yesterday?" });
		expect(status).toBe(503);
		expect(body.error!.code).toBe("no_llm");
		expect(body.error!.message).toContain("https://api.test/mcp");
		const res = await app.fetch(new Request("https://api.test/api/ask", authed(mine.readKey)), env, createExecutionContext());
		const status_ = ((await res.json()) as { data: AskStatus }).data;
		expect(status_).toMatchObject({ available: false, model: null, mcp_url: "https://api.test/mcp" });
		expect(status_.examples.length).toBeGreaterThan(1);
		const online = await app.fetch(
			new Request("https://api.test/api/ask", authed(mine.readKey)),
			{ ...env, AI: new ScriptedAi(() => ({})) },
			createExecutionContext(),
		);
		expect(((await online.json()) as { data: AskStatus }).data).toMatchObject({ available: true, model: ASK_MODEL });
	});

	it("answers 502 with a plain message when the model fails, never the upstream error", async () => {
		const ai = new ScriptedAi(() => {
			throw new Error("InferenceUpstreamError: 500 at gpu-7 with prompt 'Export my contacts please'");
		});
		const { status, body } = await ask(mine.readKey, { question: "Anything" }, ai);
		expect(status).toBe(502);
		expect(body.error!.code).toBe("llm_failed");
		expect(JSON.stringify(body)).not.toMatch(/gpu-7|Upstream|contacts|stack/i);
	});

	it("needs a read or admin key: a write key is refused", async () => {
		const ai = new ScriptedAi(() => ({ response: "no" }));
		expect((await ask(mine.writeKey, { question: "Hello?" }, ai)).status).toBe(403);
		const anonymous = await app.fetch(
			new Request("https://api.test/api/ask", { method: "POST", body: JSON.stringify({ question: "Hello?" }) }),
			{ ...env, AI: ai },
			createExecutionContext(),
		);
		expect(anonymous.status).toBe(401);
		expect(ai.calls).toHaveLength(0);
	});

	it("limits the questions a model answers per key: over the limit, 429 and the model is not called", async () => {
		// The production limiter is 10 a minute (core/limits.ts); a limiter of 2 a minute stands in for it here.
		const { projectId } = await seedProject("Busy");
		const key = await seedAdminKey(projectId);
		const ai = new ScriptedAi(() => ({ response: "Nothing to report." }));
		const limited = { ...env, AI: ai, ASK_RATE_LIMITER: (env as typeof env & { TEST_ASK_RATE_LIMITER: RateLimit }).TEST_ASK_RATE_LIMITER };
		const post = (question: unknown) => app.fetch(new Request("https://api.test/api/ask", authed(key, { question })), limited, createExecutionContext());
		// Miniflare counts in windows aligned to the clock: start the burst well inside one.
		const left = 60_000 - (Date.now() % 60_000);
		if (left < 5000) await new Promise((r) => setTimeout(r, left + 100));
		// A question refused for its input is not counted.
		expect((await post("")).status).toBe(400);
		expect((await post("One?")).status).toBe(200);
		expect((await post("Two?")).status).toBe(200);
		const refused = await post("Three?");
		expect(refused.status).toBe(429);
		expect(refused.headers.get("retry-after")).toBe(String(RATE_LIMITS.ask.periodSeconds));
		expect(await refused.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringContaining("questions") } });
		expect(ai.calls).toHaveLength(2);
	});
});
