import { z } from "zod";
import { ISSUE_STATES, PERSON_STATES } from "../issues/lifecycle";
import { MAX_QUERY_TEXT } from "../event-query";
import { dataOf, isoTime } from "./envelope";
import { toolCallViewSchema } from "./events";

/** Issues as the read API returns them (`/api/issues`), and the bodies that change them. */
export const issueStateSchema = z.enum(ISSUE_STATES);
export type IssueState = z.infer<typeof issueStateSchema>;

const intentRef = z.object({ id: z.string(), name: z.string() });

const queryText = z.string().max(MAX_QUERY_TEXT, `must be at most ${MAX_QUERY_TEXT} characters`);
const dayQuery = z.string().describe("A date (2026-11-01), an ISO date-time or epoch milliseconds; the window is whole UTC days");

/**
 * GET /api/issues query. Also `property.<name>=<value>` filters (at most MAX_PROPERTY_FILTERS, core/event-query.ts), and
 * `limit` (an integer from 1 to 200, default 50); the api checks those two itself.
 */
export const issueListQuerySchema = z.object({
	from: dayQuery.optional().describe("Default: 14 days before `to`"),
	to: dayQuery.optional().describe("Default: today"),
	signal: queryText.optional(),
	state: z
		.union([issueStateSchema, z.literal("")])
		.optional()
		.describe("Empty: any state"),
	intent: queryText.optional().describe("Issues with an event of this intent id in the window"),
	model: queryText.optional().describe("Issues with an event of this model in the window"),
	limit: z.string().optional().describe("An integer from 1 to 200, default 50"),
	cursor: z.string().optional().describe("`next_cursor` of the previous page"),
});

/** The fields an issue has in the list and in its detail. */
export const issueSummarySchema = z.object({
	id: z.string(),
	signal: z.string(),
	title: z.string(),
	description: z.string(),
	state: issueStateSchema,
	events: z.number().int(),
	users: z.number().int(),
	window_users: z.number().int().describe("Distinct users in the window"),
	pct_users: z.number().describe("window_users as a share of the window's active users, in percent"),
	first_seen: isoTime.nullable(),
	last_seen: isoTime.nullable(),
	created_at: isoTime.nullable(),
	resolved_at: isoTime.nullable(),
	resolved_in_release: z.string().nullable(),
	priority: z.number().describe("users × negative sentiment × achievable delta × strategic relevance"),
	priority_factors: z.object({ users: z.number(), negative_sentiment: z.number(), achievable_delta: z.number(), strategic_relevance: z.number() }),
});

export const issueTrendSchema = z.object({ direction: z.enum(["up", "down", "flat", "new"]), recent: z.number().int(), previous: z.number().int() });
export type IssueTrend = z.infer<typeof issueTrendSchema>;

export const issueListItemSchema = issueSummarySchema.extend({
	daily_users: z.array(z.number().int()).describe("Users per day over the window, oldest first"),
	trend: issueTrendSchema,
	top_intent: intentRef.nullable().describe("What most of its users were trying to do (their conversation's intent): issues read as signal × intent"),
});
export type IssueListItem = z.infer<typeof issueListItemSchema>;

/** GET /api/issues */
export const issueListSchema = z.object({
	window: z.object({ from: z.string(), to: z.string(), active_users: z.number().int() }),
	data: z.array(issueListItemSchema),
	total: z.number().int().describe("How many issues match the filters (the list reads the 1,000 seen most recently)"),
	next_cursor: z
		.string()
		.nullable()
		.describe("Pass as `cursor` for the next page, in the same order (priority, then latest seen, then id); null on the last one"),
});
export type IssueList = z.infer<typeof issueListSchema>;

export const markerSchema = z.object({
	kind: z.enum(["model", "prompt_version", "release"]),
	value: z.string(),
	at: isoTime.describe("When the value was first seen in the project's events"),
});
export type Marker = z.infer<typeof markerSchema>;

const baselineShares = {
	share: z.number().describe("Percent of the issue's users (in its sample) who had the value"),
	baseline_users: z.number().int().describe("Users in the baseline sample who had an event with the value"),
	baseline_share: z.number().describe("Percent of the baseline sample's users who had an event with the value"),
};

export const breakdownRowSchema = z.object({ value: z.string().nullable(), events: z.number().int(), users: z.number().int(), ...baselineShares });
export type BreakdownRow = z.infer<typeof breakdownRowSchema>;

/**
 * Each dimension's values, most over-represented first: issue share minus baseline share, values
 * reached by fewer than 3 of the issue's users last.
 */
export const issueBreakdownsSchema = z.object({
	window: z.object({ from: z.string(), to: z.string() }).describe("The UTC days both the issue's sample and the baseline are read from"),
	sample: z
		.object({ events: z.number().int(), users: z.number().int() })
		.describe("The events the breakdowns are read from: the issue's most recent in the window, at most 1,000"),
	baseline: z
		.object({ events: z.number().int(), users: z.number().int(), per_day: z.number().int() })
		.describe("All of the project's traffic in the window, as the base of baseline shares: the latest `per_day` events of each day"),
	model: z.array(breakdownRowSchema),
	intent: z.array(breakdownRowSchema),
	properties: z.record(z.string(), z.array(breakdownRowSchema)),
	traits: z.record(z.string(), z.array(breakdownRowSchema)),
	tools: z.array(z.object({ name: z.string(), error: z.string().nullable(), events: z.number().int(), users: z.number().int(), ...baselineShares })),
});
export type IssueBreakdowns = z.infer<typeof issueBreakdownsSchema>;

const countsAt = { events: z.number().int(), users: z.number().int() };

export const issueDetailSchema = issueSummarySchema.extend({
	breakdowns: issueBreakdownsSchema,
	markers: z.array(markerSchema).describe("Model, prompt-version and release changes inside the window, to mark on the series"),
	series: z.array(z.object({ day: z.string(), ...countsAt })),
	hourly: z.array(z.object({ hour: isoTime, ...countsAt })).describe("The last 48 hours, hour by hour"),
	examples: z.array(
		z.object({
			event_id: z.string(),
			timestamp: isoTime,
			user_id: z.string(),
			convo_id: z.string().nullable(),
			model: z.string().nullable(),
			input: z.string().nullable(),
			output: z.string().nullable(),
			texts_truncated: z.boolean().describe("True when input or output is cut at 2,000 characters here; the event page has them whole"),
			evidence: z.object({ field: z.string(), start: z.number(), end: z.number(), text: z.string() }).nullable(),
			tool_calls: z.array(toolCallViewSchema).describe("The tools the event called, in order, with their errors: the failing call of a tool issue"),
		}),
	),
	history: z.array(z.object({ from: z.string().nullable(), to: z.string(), by: z.string(), reason: z.string().nullable(), at: isoTime })),
});
export type IssueDetail = z.infer<typeof issueDetailSchema>;

/** GET /api/issues/:id */
export const issueResponseSchema = dataOf(issueDetailSchema);
export type IssueResponse = z.infer<typeof issueResponseSchema>;

export const proportionSideSchema = z.object({
	affected: z.number().int(),
	total: z.number().int(),
	rate: z.number().describe("percent"),
	baseline: z
		.object({
			active_users: z.number().int().describe("Distinct users active in the window"),
			share: z.number().describe("`total` as a percent of active_users: how much of all traffic the value carries"),
			issue_users: z.number().int().describe("The issue's distinct users in the window"),
			issue_share: z.number().describe("`affected` as a percent of issue_users"),
		})
		.optional()
		.describe("For two values (`by`): the side's share of the issue's users beside its share of all users"),
});

/** GET /api/issues/:id/compare and /api/signals/:signal/compare: a two-proportion z-test. */
export const comparisonSchema = z.object({
	kind: z.string().describe("`time`, `model` or `property.<name>`"),
	a: proportionSideSchema,
	b: proportionSideSchema,
	difference_pp: z.number().describe("b.rate - a.rate, in percentage points"),
	z: z.number().nullable(),
	p_value: z.number().nullable(),
	significant: z.boolean(),
	a_value: z.string().optional(),
	b_value: z.string().optional(),
	signal: z.string().optional(),
	window: z.object({ from: z.string(), to: z.string() }).optional().describe("For two values (`by`): the UTC days both sides are read from"),
});
export type Comparison = z.infer<typeof comparisonSchema>;
export const comparisonResponseSchema = dataOf(comparisonSchema);

/** PATCH /api/issues/:id */
export const priorityFactorsSchema = z
	.object({ achievable_delta: z.number().min(0).max(10).optional(), strategic_relevance: z.number().min(0).max(10).optional() })
	.refine((v) => v.achievable_delta !== undefined || v.strategic_relevance !== undefined, "give achievable_delta or strategic_relevance");
export type PriorityFactors = z.input<typeof priorityFactorsSchema>;

/** POST /api/issues/:id/state. States a person sets; new, escalating and regressed are set by the system. */
export const stateChangeSchema = z
	.object({
		state: z.enum(PERSON_STATES),
		reason: z.string().max(500).optional(),
		/** With "ignored": come back once this many more users are affected (omit to ignore forever). */
		until_more_users: z.number().int().min(1).max(1_000_000).optional(),
		/** With "resolved": the release that fixes it; events from older releases do not regress it. */
		in_release: z.string().trim().min(1).max(200).optional(),
	})
	.refine((v) => v.until_more_users === undefined || v.state === "ignored", { path: ["until_more_users"], message: "only goes with state ignored" })
	.refine((v) => v.in_release === undefined || v.state === "resolved", { path: ["in_release"], message: "only goes with state resolved" });
export type StateChange = z.input<typeof stateChangeSchema>;

/** POST /api/issues/:id/state */
export const stateChangeResponseSchema = dataOf(z.object({ id: z.string(), state: stateChangeSchema.shape.state, previous_state: z.string() }));

/** POST /api/issues/:id/merge and /api/intents/:id/merge */
export const mergeSchema = z.object({ into: z.string().min(1).max(100) });
export const mergeResponseSchema = dataOf(z.object({ merged: z.string(), into: z.string() }));

/** POST /api/issues/:id/move: `to` another issue, or out of this one (then it cannot go back). */
export const moveSchema = z.object({ event_id: z.string().min(1).max(200), to: z.string().min(1).max(100).optional() });
export const moveResponseSchema = dataOf(z.object({ event_id: z.string(), from: z.string(), to: z.string().nullable() }));

/** POST /api/issues/:id/split and /api/intents/:id/split: re-clustered on the next maintenance pass. */
export const splitResponseSchema = dataOf(z.object({ id: z.string(), split: z.literal("requested") }));

/** GET /api/issues/changes: every issue's share of active users in two date ranges, the biggest rise first. */
export const issueChangesSchema = z.object({
	a: z.object({ from: z.string(), to: z.string(), active_users: z.number().int() }),
	b: z.object({ from: z.string(), to: z.string(), active_users: z.number().int() }),
	issues: z.array(
		z.object({
			id: z.string(),
			title: z.string(),
			signal: z.string(),
			state: issueStateSchema,
			a: z.object({ users: z.number().int(), rate: z.number().describe("percent of the range's active users") }),
			b: z.object({ users: z.number().int(), rate: z.number().describe("percent of the range's active users") }),
			difference_pp: z.number().describe("b.rate - a.rate, in percentage points"),
			p_value: z.number().nullable(),
			significant: z.boolean().describe("A two-proportion z-test at 5%"),
		}),
	),
	more: z.number().int().describe("Issues with users in either range left out by `limit`"),
});
export const issueChangesResponseSchema = dataOf(issueChangesSchema);
