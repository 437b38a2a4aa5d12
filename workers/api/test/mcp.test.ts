import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { authed, type TestProject } from "../../shared/test/seed-project";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { READ_TOOLS } from "../src/assistant/read-tools";
import { seedTwoProjects } from "./seed-events";

// The MCP server with the official client, inside workerd: the client's requests go to the api
// worker itself (SELF). e2e/mcp.e2e.test.ts does the same against `npm start` over the network.
const DAY = 86_400_000;
const T = Date.UTC(2026, 10, 20, 10);
let mine: TestProject;
let theirs: TestProject;

beforeAll(async () => {
	({ mine, theirs } = await seedTwoProjects(T));
});

async function connect(key: string): Promise<Client> {
	const client = new Client({ name: "barometer-test", version: "1.0.0" });
	const transport = new StreamableHTTPClientTransport(new URL("https://api.test/mcp"), {
		requestInit: { headers: { authorization: `Bearer ${key}` } },
		fetch: (url, init) => SELF.fetch(new Request(url, init)),
	});
	await client.connect(transport);
	return client;
}

type Text = { type: string; text: string }[];
const body = (r: Awaited<ReturnType<Client["callTool"]>>) => JSON.parse((r.content as Text)[0]!.text);
const window = { from: "2026-11-19", to: "2026-11-21" };

describe("MCP server", () => {
	it("lists every read tool, each read-only and described", async () => {
		const client = await connect(mine.readKey);
		const { tools } = await client.listTools();
		expect(tools.map((t) => t.name).sort()).toEqual(READ_TOOLS.map((t) => t.name).sort());
		for (const t of tools) {
			expect(t.annotations?.readOnlyHint, t.name).toBe(true);
			expect(t.description!.length, t.name).toBeGreaterThan(60);
			expect(t.inputSchema.type).toBe("object");
		}
		await client.close();
	});

	it("answers each tool from the key's project only", async () => {
		const client = await connect(mine.readKey);
		const issues = body(await client.callTool({ name: "list_issues", arguments: { ...window, signal: "refusal" } }));
		const issue = issues.data.data[0];
		expect(issue.users).toBe(CONTACT_REFUSALS.length);
		expect(issues.links).toContainEqual(expect.objectContaining({ kind: "issue", id: issue.id, url: `https://api.test/issues/${issue.id}` }));

		const calls: Record<string, Record<string, unknown>> = {
			list_signals: {},
			signal_rates: { ...window, signal: ["refusal"] },
			compare_signal: { signal: "refusal", a_from: "2026-11-19", a_to: "2026-11-19", b_from: "2026-11-20", b_to: "2026-11-20" },
			list_issues: window,
			get_issue: { id: issue.id, ...window },
			compare_issue: { id: issue.id, by: "model", a: "model-a", b: "model-x", ...window },
			issue_changes: { a_from: "2026-11-19", a_to: "2026-11-19", b_from: "2026-11-20", b_to: "2026-11-20" },
			list_intents: window,
			intent_signal_matrix: window,
			search_events: { q: "contacts", mode: "text" },
			list_events: { user_id: "u1" },
			get_event: { id: "m1" },
			get_conversation: { id: "mc2" },
			list_release_markers: window,
		};
		expect(Object.keys(calls).sort()).toEqual(READ_TOOLS.map((t) => t.name).sort());
		for (const [name, args] of Object.entries(calls)) {
			const result = await client.callTool({ name, arguments: args });
			expect(result.isError, `${name}: ${(result.content as Text)[0]?.text}`).toBeFalsy();
			const text = JSON.stringify(body(result));
			// Whole ids only: a random id of this project may hold "tc3" or end in "v5" by chance.
			expect(text, name).not.toMatch(/\bt\d+\b|\btc\d+\b|model-b|"v\d+"/);
		}
		expect(body(await client.callTool({ name: "get_issue", arguments: { id: issue.id } })).data.data.title).toBe(issue.title);
		const refused = body(await client.callTool({ name: "search_events", arguments: { q: "export contacts", signal: "refusal", limit: 20 } }));
		expect(refused.data.data.map((e: { event_id: string }) => e.event_id).sort()).toEqual(CONTACT_REFUSALS.map((_, i) => `m${i}`).sort());
		const flagged = body(await client.callTool({ name: "list_events", arguments: { signal: "refusal" } }));
		expect(flagged.data.data).toHaveLength(CONTACT_REFUSALS.length);
		expect(body(await client.callTool({ name: "list_events", arguments: { signal: "nsfw" } })).data.data).toEqual([]);
		expect(body(await client.callTool({ name: "get_event", arguments: { id: "m1" } })).data.data.output).toBe(CONTACT_REFUSALS[1]);
		await client.close();
	});

	it("gives nothing of another project's ids", async () => {
		const client = await connect(theirs.readKey);
		const issues = body(await client.callTool({ name: "list_issues", arguments: window })).data.data as { id: string }[];
		const other = await connect(mine.readKey);
		const mineIssue = body(await other.callTool({ name: "list_issues", arguments: window })).data.data[0].id as string;
		expect(issues.map((i) => i.id)).not.toContain(mineIssue);
		for (const [name, args] of [
			["get_issue", { id: mineIssue }],
			["compare_issue", { id: mineIssue, a_from: "2026-11-19", a_to: "2026-11-19", b_from: "2026-11-20", b_to: "2026-11-20" }],
			["get_event", { id: "m1" }],
			["get_conversation", { id: "mc1" }],
		] as const) {
			const result = await client.callTool({ name, arguments: args });
			expect(result.isError, name).toBe(true);
			expect(body(result).error.code, name).toMatch(/not_found/);
			expect(JSON.stringify(result.content), name).not.toContain("contacts");
		}
		const events = body(await client.callTool({ name: "list_events", arguments: { user_id: "u1" } }));
		expect(events.data.data).toEqual([]);
		await client.close();
		await other.close();
	});

	it("answers unknown tools and malformed arguments with clear errors", async () => {
		const client = await connect(mine.readKey);
		for (const name of ["delete_issue", "merge_issues", "create_key"]) {
			const result = await client.callTool({ name, arguments: { id: "x" } });
			expect(result.isError, name).toBe(true);
			expect((result.content as Text)[0]!.text).toContain(`Tool ${name} not found`);
		}
		const bad = await client.callTool({ name: "get_issue", arguments: { id: 42 } });
		expect(bad.isError).toBe(true);
		expect((bad.content as Text)[0]!.text).toMatch(/id/);
		const extra = await client.callTool({ name: "list_issues", arguments: { state: "exploded", limit: 9999 } });
		expect(extra.isError).toBe(true);
		expect((extra.content as Text)[0]!.text).toMatch(/state/);
		expect((extra.content as Text)[0]!.text).toMatch(/limit/);
		await client.close();
	});

	it("needs a project key, and a write key is not one", async () => {
		const init = { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" } };
		const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
		expect((await SELF.fetch("https://api.test/mcp", { ...init, body: ping })).status).toBe(401);
		const write = await SELF.fetch("https://api.test/mcp", authed(mine.writeKey, ping, { headers: init.headers }));
		expect(write.status).toBe(403);
	});
});

describe("the tools are the API's GET routes", () => {
	it("maps every tool to a GET route, so none can write", () => {
		for (const t of READ_TOOLS) expect(t.route, t.name).toMatch(/^GET \/api\//);
	});

	it("survives a day later too (window defaults)", async () => {
		const client = await connect(mine.readKey);
		const result = await client.callTool({ name: "signal_rates", arguments: { from: new Date(T - DAY).toISOString(), to: new Date(T + DAY).toISOString() } });
		expect(result.isError).toBeFalsy();
		await client.close();
	});
});
