import { z } from "zod";
import { fieldErrors, type FieldError } from "#core/api-errors";
import { API_ROUTES, type RouteKey } from "#core/api/routes";

/**
 * The assistant's tools: the read API's GET routes, each with a description of what it answers and
 * typed arguments (the route's documented query, core/api/route-queries.ts, plus its path parameters).
 * MCP (workers/api/src/assistant/mcp-server.ts) and Ask (ask.ts) both serve exactly these, so both are
 * read-only by construction, and scoped to the caller's project because every call goes through the
 * API itself with the caller's own key.
 */
export interface ReadTool {
	name: string;
	title: string;
	/** What the tool answers, for the model choosing it. */
	description: string;
	route: RouteKey & `GET ${string}`;
	input: z.ZodObject;
	/** Arguments used when the caller leaves them out (a model's context is smaller than a page of the API). */
	defaults?: Record<string, unknown>;
}

export type ToolLink = { kind: "issue" | "event" | "conversation"; id: string; title?: string; url: string };

export type ToolResult =
	| { ok: true; data: unknown; links: ToolLink[]; truncated: boolean }
	| { ok: false; error: { code: string; message: string; details?: FieldError[] } };

/** How a tool reaches the API: the api worker's own fetch, the caller's Authorization header, and where links point. */
export interface ToolContext {
	fetch: (request: Request) => Promise<Response>;
	authorization: string;
	/** Base of the dashboard's pages, for links (e.g. http://localhost:8787). */
	dashboardUrl: string;
	/** Longest answer, in characters of JSON (default MAX_TOOL_RESULT_CHARS). */
	maxChars?: number;
}

/** A tool's answer is cut to this many characters of JSON (a model's context is the limit, not the API's). */
export const MAX_TOOL_RESULT_CHARS = 24_000;

const id = (what: string) => z.string().trim().min(1, "is required").max(200, "must be at most 200 characters").describe(what);
const properties = z
	.record(z.string().regex(/^[A-Za-z0-9_.$-]{1,100}$/, "property names may hold letters, digits, _ . $ -"), z.string().max(500))
	.optional()
	.describe('Only events whose properties have these values, e.g. { "plan": "pro" }');

const q = <K extends RouteKey>(route: K) => (API_ROUTES[route] as { query?: z.ZodObject }).query?.shape ?? {};

function tool(
	name: string,
	title: string,
	route: ReadTool["route"],
	description: string,
	shape: z.ZodRawShape = {},
	defaults?: Record<string, unknown>,
): ReadTool {
	return { name, title, route, description, input: z.object({ ...shape, ...q(route) }).strict(), ...(defaults ? { defaults } : {}) };
}

/** Events are long (input, output, signals): a tool answers 10 at a time unless asked for more. */
const TEN = { limit: 10 };

export const READ_TOOLS: readonly ReadTool[] = [
	tool(
		"list_signals",
		"List signals",
		"GET /api/signals",
		"Which signals Barometer detects in this project (user frustration, refusal, forgetting, wrong dates, wins, custom signals…), what each means, and whether it is negative. Use it to learn signal names before filtering by one.",
	),
	tool(
		"signal_rates",
		"Signal rates over time",
		"GET /api/signals/rates",
		"Per signal: how many users and events it reached and the share of active users, per day over a window (default the last 30 days), plus the window's totals and the share of users with any negative signal. Answers 'what share of users hit X yesterday / this week' and 'is X rising'.",
	),
	tool(
		"compare_signal",
		"Compare a signal across two ranges",
		"GET /api/signals/:signal/compare",
		"The share of active users a signal reached in two date ranges (a_from..a_to vs b_from..b_to), with the difference and a two-proportion test. Answers 'did refusals go up after the release on the 20th'.",
		{ signal: id("Signal name, e.g. `refusal`") },
	),
	tool(
		"list_issues",
		"List issues",
		"GET /api/issues",
		"The project's issues (named clusters of flagged events, e.g. 'claims it cannot access contacts'), by priority: users affected, % of active users, trend over 7 days, state (new, ongoing, escalating, regressed, resolved, ignored) and top intent. Filter by signal, state, intent, model or properties; window defaults to 14 days.",
		{ properties },
	),
	tool(
		"get_issue",
		"Read an issue",
		"GET /api/issues/:id",
		"One issue in full: description, users and % of users, daily users, state history, breakdowns by model, intent and properties against the baseline of all users, and example events with their conversations. Use the id from list_issues.",
		{ id: id("Issue id (`iss_…`)") },
	),
	tool(
		"issue_changes",
		"Issues that rose or fell between two ranges",
		"GET /api/issues/changes",
		"Every issue's share of active users in two date ranges (a_from..a_to before, b_from..b_to after), the biggest rise first, with a two-proportion test. Answers 'which issues got worse after we switched to the new model / shipped the release' in one call: take the dates from list_release_markers.",
	),
	tool(
		"compare_issue",
		"Compare an issue across ranges or models",
		"GET /api/issues/:id/compare",
		"The share of users an issue reached in two date ranges (a_from, a_to, b_from, b_to), or among users of two models or property values (by=model, a, b), with a two-proportion test. Answers 'did this get worse after we switched to the new model'.",
		{ id: id("Issue id (`iss_…`)") },
	),
	tool(
		"list_intents",
		"List intents",
		"GET /api/intents",
		"What users are trying to do (discovered intents, e.g. 'book a hotel room'), with users, events and each intent's negative-signal share. level=conversation counts each conversation under its opening request.",
	),
	tool(
		"intent_signal_matrix",
		"Intent × signal matrix",
		"GET /api/intents/matrix",
		"For each intent and signal, how many users of that intent hit that signal: shows where problems concentrate ('refusals among users asking for refunds').",
	),
	tool(
		"search_events",
		"Search events",
		"GET /api/events/search",
		"Find events by what was said: by meaning (default; any description, e.g. 'user asks for a refund and is refused'), by words (mode=text), or both (hybrid). Filter by signal (e.g. signal=refusal: 'users asking for a refund who were refused'), intent, user, conversation, model, time or properties. Each result has its signals and conversation id. 10 results unless `limit` says otherwise.",
		{ properties },
		TEN,
	),
	tool(
		"list_events",
		"List events",
		"GET /api/events",
		"The latest events, newest first, filtered by signal, intent, time, user, conversation, model, event name, properties or words (q), with their detected signals. 10 events unless `limit` says otherwise; page on with `cursor`.",
		{ properties },
		TEN,
	),
	tool(
		"get_event",
		"Read an event",
		"GET /api/events/:id",
		"One event: input, output, tool calls, detected signals with evidence, explicit feedback, its intent and issue.",
		{
			id: id("Event id"),
		},
	),
	tool(
		"get_conversation",
		"Read a conversation",
		"GET /api/conversations/:id",
		"A conversation's turns in order, each with its signals: read what the user asked and what the assistant answered.",
		{ id: id("Conversation id (`convo_id` of an event)") },
	),
	tool(
		"list_release_markers",
		"Model and release changes",
		"GET /api/project/markers",
		"When the model or the release (the `release` property) changed in the window: the dates to compare before and after.",
	),
];

const byName = new Map(READ_TOOLS.map((t) => [t.name, t]));
export const findReadTool = (name: string) => byName.get(name);

/** The route's path with its parameters filled in, and the rest of the arguments as its query string. */
export function toolRequestPath(tool: ReadTool, args: Record<string, unknown>): string {
	const rest = { ...args };
	const path = tool.route.slice(4).replace(/:([A-Za-z_]+)/g, (_, name: string) => {
		const value = String(rest[name]);
		delete rest[name];
		return encodeURIComponent(value);
	});
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(rest)) {
		if (value === undefined || value === null) continue;
		if (key === "properties") for (const [k, v] of Object.entries(value as Record<string, string>)) query.append(`property.${k}`, v);
		else if (Array.isArray(value)) for (const v of value) query.append(key, String(v));
		else query.set(key, String(value));
	}
	const qs = query.toString();
	return qs ? `${path}?${qs}` : path;
}

/**
 * Runs one tool for a caller: checks the arguments (errors name the field), calls the API with the
 * caller's key, and answers its data, cut to `ctx.maxChars`, with links to what it names.
 * Never throws: an unknown tool, bad arguments or an API error come back as `{ ok: false }`.
 */
export async function runReadTool(name: string, rawArgs: unknown, ctx: ToolContext): Promise<ToolResult> {
	const tool = findReadTool(name);
	if (!tool) {
		return {
			ok: false,
			error: { code: "unknown_tool", message: `There is no tool named \`${String(name).slice(0, 100)}\`. Tools: ${READ_TOOLS.map((t) => t.name).join(", ")}.` },
		};
	}
	// reportInput: a wrong type reads "must be a string", not "is required" (fieldErrors).
	const parsed = tool.input.safeParse(rawArgs ?? {}, { reportInput: true });
	if (!parsed.success) {
		return { ok: false, error: { code: "invalid_arguments", message: `The arguments of \`${name}\` are not valid.`, details: fieldErrors(parsed.error) } };
	}
	let response: Response;
	try {
		response = await ctx.fetch(
			new Request(`http://barometer.internal${toolRequestPath(tool, { ...tool.defaults, ...parsed.data })}`, {
				headers: { authorization: ctx.authorization, accept: "application/json" },
			}),
		);
	} catch {
		return { ok: false, error: { code: "tool_failed", message: `\`${name}\` could not be answered; try again.` } };
	}
	const body: unknown = await response.json().catch(() => null);
	if (!response.ok) {
		const error = (body as { error?: { code?: string; message?: string; details?: FieldError[] } } | null)?.error;
		return {
			ok: false,
			error: {
				code: error?.code ?? `http_${response.status}`,
				message: error?.message ?? `\`${name}\` failed (${response.status}).`,
				...(error?.details ? { details: error.details } : {}),
			},
		};
	}
	const links = collectLinks(body, ctx.dashboardUrl);
	const { data, truncated } = clipJson(body, ctx.maxChars ?? MAX_TOOL_RESULT_CHARS);
	return { ok: true, data, links, truncated };
}

/** The issues, events and conversations an answer names, with dashboard links (at most 50). */
export function collectLinks(value: unknown, dashboardUrl: string): ToolLink[] {
	const base = dashboardUrl.replace(/\/+$/, "");
	const out = new Map<string, ToolLink>();
	const add = (kind: ToolLink["kind"], id: string, title?: string) => {
		const key = `${kind}:${id}`;
		if (out.size >= 50 || out.has(key)) return;
		const path = kind === "issue" ? "issues" : kind === "event" ? "events" : "conversations";
		out.set(key, { kind, id, ...(title ? { title } : {}), url: `${base}/${path}/${encodeURIComponent(id)}` });
	};
	const walk = (v: unknown, depth: number) => {
		if (depth > 8 || v === null || typeof v !== "object") return;
		if (Array.isArray(v)) {
			for (const item of v) walk(item, depth + 1);
			return;
		}
		const o = v as Record<string, unknown>;
		if (typeof o.id === "string" && o.id.startsWith("iss_") && typeof o.title === "string") add("issue", o.id, o.title);
		if (typeof o.issue_id === "string" && o.issue_id.startsWith("iss_"))
			add("issue", o.issue_id, typeof o.issue_title === "string" ? o.issue_title : undefined);
		if (typeof o.event_id === "string") add("event", o.event_id);
		if (typeof o.convo_id === "string") add("conversation", o.convo_id);
		for (const child of Object.values(o)) walk(child, depth + 1);
	};
	walk(value, 0);
	return [...out.values()];
}

/**
 * JSON no longer than `max` characters: long strings are shortened first, then arrays lose their
 * tail (the API orders them by what matters most), so the result is always valid JSON.
 */
export function clipJson(value: unknown, max: number): { data: unknown; truncated: boolean } {
	if (JSON.stringify(value).length <= max) return { data: value, truncated: false };
	for (const stringLimit of [2000, 500, 200]) {
		let data = shorten(value, stringLimit);
		for (let keep = 50; JSON.stringify(data).length > max && keep >= 1; keep = Math.floor(keep / 2)) data = shorten(value, stringLimit, keep);
		if (JSON.stringify(data).length <= max) return { data, truncated: true };
	}
	return { data: { note: "The answer was too large to return; narrow it with filters or a smaller limit." }, truncated: true };
}

function shorten(v: unknown, maxString: number, maxItems = Number.POSITIVE_INFINITY): unknown {
	if (typeof v === "string") return v.length > maxString ? `${v.slice(0, maxString)}…` : v;
	if (Array.isArray(v)) {
		const items = v.slice(0, maxItems).map((x) => shorten(x, maxString, maxItems));
		return v.length > maxItems ? [...items, `… ${v.length - maxItems} more`] : items;
	}
	if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shorten(x, maxString, maxItems)]));
	return v;
}
