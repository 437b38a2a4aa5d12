import { z } from "zod";
import { EVENT_PAGE, MAX_QUERY_TEXT, SEARCH_MODES } from "../event-query";
import { ISSUE_STATES } from "../issues/lifecycle";

/**
 * The query parameters of the read API's GET routes, as zod objects. They document the routes
 * (GET /api/openapi.json) and type the arguments of the assistant's read tools (MCP and Ask); the
 * routes parse with their own, stricter code, and workers/api/test/openapi.test.ts fails when a
 * route reads a parameter that is not listed here.
 */

const text = z.string().max(MAX_QUERY_TEXT, `must be at most ${MAX_QUERY_TEXT} characters`);
const day = z.string().max(40).describe("A date (2026-11-01), an ISO date-time or epoch milliseconds; the window is whole UTC days");
const window = (defaultDays: number) => ({
	from: day.optional().describe(`First day of the window (default: ${defaultDays} days ending with \`to\`)`),
	to: day.optional().describe("Last day of the window (default: today, UTC)"),
});
const cursor = z.string().max(2000).optional().describe("`next_cursor` of the previous page");

/** Filters shared by the event list and search: who, where, what. */
const eventFilters = {
	from: z.string().max(40).optional().describe("Events at or after this time: a date, an ISO date-time or epoch milliseconds"),
	to: z.string().max(40).optional().describe("Events before this time"),
	user_id: text.optional().describe("Only this user's events"),
	convo_id: text.optional().describe("Only this conversation's events"),
	model: text.optional().describe("Only events answered by this model"),
	event: text.optional().describe("Only events of this name (e.g. `chat`)"),
	signal: text.optional().describe("Only events with this signal, detected or explicit (e.g. `refusal`, `thumbs_down`)"),
	intent: text.optional().describe("Only events of this turn-level intent (an intent id from GET /api/intents)"),
	limit: z
		.number()
		.int()
		.min(1)
		.max(EVENT_PAGE.maxLimit)
		.optional()
		.describe(`Results per page, 1 to ${EVENT_PAGE.maxLimit} (default ${EVENT_PAGE.defaultLimit})`),
	cursor,
};

/** Property filters: `property.<name>=<value>`, at most 20; OpenAPI has no prefix parameters, so the routes say so in words. */
export const PROPERTY_FILTER_NOTE = "Also `property.<name>=<value>` filters on the event's properties (at most 20).";

export const issueListQuery = z.object({
	...window(14),
	signal: text.optional().describe("Only issues of this signal (e.g. `user_frustration`, `refusal`)"),
	state: z.enum(ISSUE_STATES).optional().describe("Only issues in this state"),
	intent: text.optional().describe("Issues with an event of this intent id in the window"),
	model: text.optional().describe("Issues with an event of this model in the window"),
	limit: z.number().int().min(1).max(200).optional().describe("Issues per page, 1 to 200 (default 50)"),
	cursor,
});

export const issueDetailQuery = z.object(window(30));

const ranges = {
	a_from: day.optional().describe("First range's first day"),
	a_to: day.optional().describe("First range's last day"),
	b_from: day.optional().describe("Second range's first day"),
	b_to: day.optional().describe("Second range's last day"),
};

export const issueCompareQuery = z.object({
	...ranges,
	by: z.string().max(110).optional().describe("Compare two values instead of two ranges: `model` or `property.<name>` (with `a` and `b`, over `from`..`to`)"),
	a: text.optional().describe("First value of `by` (e.g. a model name)"),
	b: text.optional().describe("Second value of `by`"),
	...window(30),
});

export const signalCompareQuery = z.object(ranges);

export const issueChangesQuery = z.object({
	...ranges,
	signal: text.optional().describe("Only issues of this signal"),
	order: z
		.enum(["worse", "better", "change"])
		.optional()
		.describe("`worse`: biggest rise first (default); `better`: biggest fall first; `change`: largest either way"),
	limit: z.number().int().min(1).max(100).optional().describe("Issues, 1 to 100 (default 20)"),
});

export const signalRatesQuery = z.object({
	...window(30),
	signal: z.array(z.string().max(64)).max(50).optional().describe("Only these signals (repeat the parameter); default: all"),
});

export const windowQuery30 = z.object(window(30));

export const intentListQuery = z.object({
	...window(14),
	level: z.enum(["turn", "conversation"]).optional().describe("`turn`: each request's intent (default); `conversation`: each conversation's opening request"),
});

export const intentMatrixQuery = z.object(window(14));

export const eventListQuery = z.object({
	...eventFilters,
	q: text.optional().describe("Words in the input or output (phrases in quotes, word*, -word, OR)"),
});

export const eventSearchQuery = z.object({
	...eventFilters,
	q: text.describe("What to look for: by meaning, any description; as text, words"),
	mode: z.enum(SEARCH_MODES).optional().describe("`meaning` (default): nearest by the sentence encoder; `text`: words, ranked by BM25; `hybrid`: both, fused"),
});

export const conversationQuery = z.object({
	limit: z.number().int().min(1).max(500).optional().describe("Turns per page, 1 to 500 (default 200)"),
	cursor,
});

export const candidatePageQuery = z.object({ offset: z.number().int().min(0).optional().describe("Candidates to skip") });

export const pageQuery = (max: number, extra: Record<string, z.ZodType> = {}) =>
	z.object({ limit: z.number().int().min(1).max(max).optional().describe(`Items per page, 1 to ${max} (default 50)`), cursor, ...extra });
