import { execFileSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";

// The MCP server as an assistant reaches it: the official client over Streamable HTTP, against
// `npm start` with the demo month loaded (e2e/start-system.ts), plus a second project made with
// `npm run create-project` in the same database.
const BASE = inject("e2eBaseUrl");
const READ = "bm_read_localdev000000000000000000000";
const ADMIN = "bm_admin_localdev00000000000000000000";
const STATE = ".wrangler/e2e-state";

type Text = { type: string; text: string }[];
type ToolAnswer = { data: Record<string, unknown>; links: { kind: string; id: string; url: string }[] };
let other: { write: string; read: string };
const clients: Client[] = [];

async function connect(key: string): Promise<Client> {
	const client = new Client({ name: "barometer-e2e", version: "1.0.0" });
	await client.connect(new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
	clients.push(client);
	return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
	const result = await client.callTool({ name, arguments: args });
	const text = (result.content as Text)[0]!.text;
	// Our answers are JSON; the SDK's own refusals (unknown tool, arguments that fail the schema) are a sentence.
	const body = text.startsWith("{") ? JSON.parse(text) : { error: { code: "mcp_error", message: text } };
	return { isError: Boolean(result.isError), text, body: body as ToolAnswer & { error: { code: string; message: string } } };
}

const api = async <T>(path: string, key = ADMIN): Promise<T> =>
	(await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${key}` } })).json() as Promise<T>;

beforeAll(async () => {
	const out = execFileSync(process.execPath, ["scripts/create-project.mjs", "--name", "Other app"], {
		env: { ...process.env, BAROMETER_STATE: STATE },
		encoding: "utf8",
	});
	other = { write: /write key:\s+(\S+)/.exec(out)![1]!, read: /read key:\s+(\S+)/.exec(out)![1]! };
	const res = await fetch(`${BASE}/v1/events`, {
		method: "POST",
		headers: { authorization: `Bearer ${other.write}`, "content-type": "application/json" },
		body: JSON.stringify({
			events: [{ event_id: "other_1", user_id: "other_user", convo_id: "other_convo", input: "Cancel my order", output: "I can't help with orders." }],
		}),
	});
	expect(res.status).toBe(202);
	await vi.waitFor(async () => expect((await api<{ data: unknown[] }>("/api/events?user_id=other_user", other.read)).data).toHaveLength(1), {
		timeout: 60_000,
		interval: 500,
	});
}, 120_000);

afterAll(async () => {
	await Promise.all(clients.map((c) => c.close()));
});

describe("MCP against npm start", () => {
	it("lists the read tools and answers each of them from the demo data", { timeout: 120_000 }, async () => {
		const client = await connect(READ);
		const { tools } = await client.listTools();
		expect(tools.length).toBe(14);
		for (const t of tools) expect(t.annotations?.readOnlyHint, t.name).toBe(true);

		const issues = await call(client, "list_issues", { limit: 5 });
		expect(issues.isError).toBe(false);
		const list = issues.body.data.data as { id: string; title: string; signal: string; users: number; pct_users: number }[];
		expect(list.length).toBeGreaterThan(0);
		const top = list[0]!;
		expect(issues.body.links).toContainEqual({ kind: "issue", id: top.id, title: top.title, url: `${BASE}/issues/${top.id}` });
		// The same numbers the API gives the dashboard.
		const direct = await api<{ data: { id: string; users: number }[] }>("/api/issues?limit=5");
		expect(direct.data[0]).toMatchObject({ id: top.id, users: top.users });

		const detail = await call(client, "get_issue", { id: top.id });
		const examples = (detail.body.data.data as { examples: { event_id: string; convo_id: string | null }[] }).examples;
		const example = examples.find((e) => e.convo_id)!;
		// The demo's new model (other e2e files send events without one, so the latest events may have none).
		const markers = (await call(client, "list_release_markers")).body.data.data as { kind: string; value: string }[];
		const model = markers.find((m) => m.kind === "model")!.value;

		const calls: Record<string, Record<string, unknown>> = {
			list_signals: {},
			signal_rates: { signal: [top.signal] },
			compare_signal: { signal: top.signal, a_from: "2026-01-01", a_to: "2026-06-30", b_from: "2026-07-01", b_to: "2026-12-31" },
			list_issues: { signal: top.signal },
			get_issue: { id: top.id },
			compare_issue: { id: top.id, by: "model", a: model, b: "some-other-model" },
			issue_changes: { a_from: "2026-01-01", a_to: "2026-06-30", b_from: "2026-07-01", b_to: "2026-12-31" },
			list_intents: { level: "conversation" },
			intent_signal_matrix: {},
			search_events: { q: "refund", mode: "hybrid", limit: 5 },
			list_events: { model, limit: 5 },
			get_event: { id: example.event_id },
			get_conversation: { id: example.convo_id!, limit: 10 },
			list_release_markers: {},
		};
		expect(Object.keys(calls).sort()).toEqual(tools.map((t) => t.name).sort());
		for (const [name, args] of Object.entries(calls)) {
			const r = await call(client, name, args);
			expect(r.isError, `${name}: ${r.text.slice(0, 300)}`).toBe(false);
			expect(r.text.length, name).toBeGreaterThan(20);
			expect(r.text, name).not.toContain("other_user");
		}
		const convo = await call(client, "get_conversation", { id: example.convo_id! });
		expect(convo.body.links).toContainEqual(
			expect.objectContaining({ kind: "conversation", id: example.convo_id, url: `${BASE}/conversations/${example.convo_id}` }),
		);
	});

	it("gives another project's ids nothing, either way", async () => {
		const mine = await connect(READ);
		const theirs = await connect(other.read);
		const myIssue = ((await call(mine, "list_issues", { limit: 1 })).body.data.data as { id: string }[])[0]!.id;
		for (const [name, args] of [
			["get_issue", { id: myIssue }],
			["compare_issue", { id: myIssue, a_from: "2026-01-01", a_to: "2026-06-30", b_from: "2026-07-01", b_to: "2026-12-31" }],
		] as const) {
			const r = await call(theirs, name, args);
			expect(r.isError, name).toBe(true);
			expect(r.body.error.code, name).toBe("issue_not_found");
		}
		expect((await call(theirs, "list_issues")).body.data.data).toEqual([]);
		const theirEvent = await call(mine, "get_event", { id: "other_1" });
		expect(theirEvent.body.error.code).toBe("event_not_found");
		const theirConvo = await call(mine, "get_conversation", { id: "other_convo" });
		expect(theirConvo.body.error.code).toBe("conversation_not_found");
		expect((await call(mine, "list_events", { user_id: "other_user" })).body.data.data).toEqual([]);
		expect((await call(theirs, "get_event", { id: "other_1" })).body.data.data).toMatchObject({ event_id: "other_1" });
	});

	it("cannot write: no tool changes anything, and unknown tools are refused", async () => {
		const client = await connect(ADMIN);
		const before = await api<{ data: { id: string; state: string; title: string }[] }>("/api/issues?limit=200");
		for (const name of ["merge_issues", "set_issue_state", "delete_user", "create_key"]) {
			const result = await client.callTool({ name, arguments: { id: before.data[0]!.id, state: "ignored" } });
			expect(result.isError, name).toBe(true);
			expect((result.content as Text)[0]!.text, name).toContain("not found");
		}
		// Extra arguments are refused, not passed on: a tool is a GET with its documented query only.
		const extra = await call(client, "get_issue", { id: before.data[0]!.id, state: "ignored" });
		expect(extra.isError).toBe(true);
		expect(extra.text).toMatch(/state/);
		// The issue the calls named is as it was (the cron's own maintenance may move others meanwhile).
		const after = await api<{ data: { id: string; state: string; title: string }[] }>("/api/issues?limit=200");
		const target = before.data[0]!;
		expect(after.data.find((i) => i.id === target.id)).toMatchObject({ title: target.title, state: target.state });
		expect(after.data.filter((i) => i.state === "ignored").length).toBe(before.data.filter((i) => i.state === "ignored").length);
	});

	it("answers bad requests with clear errors", async () => {
		const client = await connect(READ);
		const bad = await call(client, "search_events", { q: "x".repeat(600), mode: "sideways" });
		expect(bad.isError).toBe(true);
		expect(bad.text).toMatch(/q/);
		expect(bad.text).toMatch(/mode/);
		const noKey = await fetch(`${BASE}/mcp`, {
			method: "POST",
			headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
			body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
		});
		expect(noKey.status).toBe(401);
		const garbage = await fetch(`${BASE}/mcp`, {
			method: "POST",
			headers: { authorization: `Bearer ${READ}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
			body: "{not json",
		});
		expect(garbage.status).toBe(400);
		expect(await garbage.text()).toMatch(/Parse error/i);
	});

	// The issue's three example questions, answered the way an assistant would: a few tool calls each.
	it("answers the example questions in a few calls: worse after the model switch, refused requests, a signal's share yesterday", async () => {
		const client = await connect(READ);
		const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
		const DAY = 86_400_000;
		// "Which issues got worse after we switched to the new model?"
		const markers = (await call(client, "list_release_markers")).body.data.data as { kind: string; value: string; at: string }[];
		// The switch is the latest model change (markers come oldest first).
		const switched = Date.parse(markers.filter((m) => m.kind === "model").at(-1)!.at);
		const changes = await call(client, "issue_changes", {
			a_from: day(switched - 7 * DAY),
			a_to: day(switched - DAY),
			b_from: day(switched),
			b_to: day(switched + 6 * DAY),
		});
		const worse = (changes.body.data.data as { issues: { id: string; title: string; signal: string; difference_pp: number; significant: boolean }[] }).issues;
		// The demo's new model turns down calendar requests: that refusal issue rose, significantly. It is not
		// asserted first: other e2e files send events to the same project today (inside the b window), and ran
		// first they can raise another issue more (wrong_date did, once).
		const calendar = worse.find((i) => i.signal === "refusal" && i.title.toLowerCase().includes("calendar"));
		expect(calendar).toMatchObject({ significant: true });
		expect(calendar!.difference_pp).toBeGreaterThan(5);
		expect(worse.slice(0, 3).map((i) => i.id)).toContain(calendar!.id);
		expect(changes.body.links).toContainEqual(expect.objectContaining({ kind: "issue", id: calendar!.id }));
		// "Show conversations where users asked for X and got refused"
		const refused = await call(client, "search_events", { q: "schedule a meeting in my calendar", signal: "refusal", limit: 5 });
		const found = refused.body.data.data as { convo_id: string; detections: { signal: string }[]; signals: { signal: string }[] }[];
		expect(found.length).toBeGreaterThan(0);
		for (const e of found) expect([...e.detections, ...e.signals].map((d) => d.signal)).toContain("refusal");
		expect(refused.body.links.filter((l) => l.kind === "conversation").length).toBeGreaterThan(0);
		// "What share of users hit a tool failure yesterday?"
		const yesterday = day(Date.now() - DAY);
		const rates = await call(client, "signal_rates", { from: yesterday, to: yesterday, signal: ["tool_failure"] });
		expect(rates.isError).toBe(false);
		expect(rates.text).toContain("tool_failure");
	});
});
