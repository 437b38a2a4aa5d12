import type { IssueDetail, IssueList, IssueState, IssueTrend } from "#core/api/issues";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "#db/schema";
import { toolCallsByEvent } from "./event-reads";
import { compareIssueListKeys, type IssueListKey, issueListPage } from "#core/issues/issue-list-order";
import { issueBreakdowns } from "./issue-breakdowns";
import { releaseMarkers } from "./release-markers";
import { DAY_MS } from "#core/timestamps";
import { activeUsersStatements, windowBatch } from "./window-users";

function iso(ms: number): string;
function iso(ms: number | null): string | null;
function iso(ms: number | null) {
	return ms === null ? null : new Date(ms).toISOString();
}
const dayIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

interface IssueRow {
	id: string;
	signal: string;
	title: string;
	description: string;
	state: IssueState;
	first_seen: number;
	last_seen: number;
	created_at: number;
	resolved_at: number | null;
	resolved_in_release?: string | null;
	central_event_id: string | null;
	achievable_delta: number;
	strategic_relevance: number;
	events: number;
	users: number;
	window_users: number;
	negative_events: number;
}

/**
 * An issue's counts from its per-day rows (kept by triggers on issue_events, migration 0017): events
 * and events that drew negative feedback (a thumbs down, regenerate, edit or code error on the
 * event, or user frustration later in its conversation) from issue_days, distinct users from
 * issue_user_days (one row per user and day). Bounded by days and users, never by events.
 * `?2`/`?3` (or the given binds) are the window's first and last day.
 */
const issueCounts = (from: string, to: string) => `(SELECT coalesce(sum(d.events), 0) FROM issue_days d WHERE d.issue_id = i.id) AS events,
					(SELECT coalesce(sum(d.negative_events), 0) FROM issue_days d WHERE d.issue_id = i.id) AS negative_events,
					(SELECT count(DISTINCT u.user_id) FROM issue_user_days u WHERE u.issue_id = i.id) AS users,
					(SELECT count(DISTINCT u.user_id) FROM issue_user_days u WHERE u.issue_id = i.id AND u.day BETWEEN ${from} AND ${to}) AS window_users`;

/** How many of an issue's most recent events in the window name its top intent. */
export const TOP_INTENT_SAMPLE = 20;

/**
 * Issues with their counts: events and distinct users overall, and users in the window as a
 * share of the window's active users (exact counts from issue_events and user_days).
 */
export interface IssueListOptions {
	signal?: string;
	state?: string;
	/** Issues with at least one event in the window of this intent, model, or property values. */
	intent?: string;
	model?: string;
	properties?: Record<string, string>;
	fromDay: number;
	toDay: number;
	limit: number;
	/** The last issue of the previous page (its cursor). */
	after?: IssueListKey;
}

/**
 * The issue list's four statements, as SQL and binds (tests run EXPLAIN QUERY PLAN on them).
 * Every read is an index range of the window's rows or a seek per issue: none scans the project.
 */
export function issueListQueries(projectId: string, opts: IssueListOptions) {
	const where = ["i.project_id = ?1"];
	const binds: unknown[] = [projectId, opts.fromDay, opts.toDay];
	if (opts.signal) where.push(`i.signal = ?${binds.push(opts.signal)}`);
	if (opts.state) where.push(`i.state = ?${binds.push(opts.state)}`);
	const eventConditions: string[] = [];
	if (opts.model) eventConditions.push(`e.model = ?${binds.push(opts.model)}`);
	for (const [k, v] of Object.entries(opts.properties ?? {})) {
		// Property values arrive as strings; numbers and booleans are stored as JSON, so compare as text.
		eventConditions.push(`CAST(json_extract(e.properties, '$.' || json_quote(?${binds.push(k)})) AS TEXT) = ?${binds.push(v)}`);
	}
	if (opts.intent)
		eventConditions.push(
			`EXISTS (SELECT 1 FROM event_intents ei WHERE ei.project_id = e.project_id AND ei.event_id = e.event_id AND ei.intent_id = ?${binds.push(opts.intent)})`,
		);
	if (eventConditions.length) {
		where.push(
			`EXISTS (SELECT 1 FROM issue_events x JOIN events e ON e.project_id = x.project_id AND e.event_id = x.event_id WHERE x.issue_id = i.id AND x.day BETWEEN ?2 AND ?3 AND ${eventConditions.join(" AND ")})`,
		);
	}
	const window = [projectId, opts.fromDay, opts.toDay];
	return {
		rows: {
			sql: `SELECT i.id, i.signal, i.title, i.description, i.state, i.first_seen, i.last_seen, i.created_at, i.resolved_at, i.resolved_in_release, i.central_event_id, i.achievable_delta, i.strategic_relevance,
					${issueCounts("?2", "?3")}
				 FROM issues i WHERE ${where.join(" AND ")}
				 ORDER BY i.last_seen DESC LIMIT 1000`,
			binds,
		},
		daily: {
			sql: "SELECT d.issue_id, d.day, d.users FROM issues i JOIN issue_days d ON d.issue_id = i.id AND d.day BETWEEN ?2 AND ?3 WHERE i.project_id = ?1",
			binds: window,
		},
		// Signal × intent: what users were trying to do when the issue hit them. The conversation's
		// intent (its opening request's) reads better than the turn's: a frustrated "still waiting…"
		// belongs to the flight search it interrupts. Events without a conversation use their own.
		// Read from each issue's TOP_INTENT_SAMPLE most recent events in the window (a seek on its
		// (issue, time) index), so the cost is bounded by the issues, not by their events. The opening
		// request is found per event by walking its conversation's events in time order through the
		// (project, convo, time) index until one has an intent: a few rows each.
		intents: {
			sql: `WITH turns AS MATERIALIZED (
					SELECT ie.issue_id, coalesce(
						(SELECT ei.intent_id FROM events c INDEXED BY events_project_convo_time_idx JOIN event_intents ei ON ei.project_id = c.project_id AND ei.event_id = c.event_id
						 WHERE c.project_id = e.project_id AND c.convo_id = e.convo_id ORDER BY c.timestamp, c.event_id LIMIT 1),
						(SELECT own.intent_id FROM event_intents own WHERE own.project_id = ie.project_id AND own.event_id = ie.event_id)) AS intent_id
					FROM issues i JOIN issue_events ie ON ie.rowid IN (
						SELECT r.rowid FROM issue_events r INDEXED BY issue_events_issue_time_idx WHERE r.issue_id = i.id AND r.timestamp >= ?2 * 86400000 AND r.timestamp < (?3 + 1) * 86400000
						ORDER BY r.timestamp DESC LIMIT ${TOP_INTENT_SAMPLE})
					JOIN events e ON e.project_id = ie.project_id AND e.event_id = ie.event_id
					WHERE i.project_id = ?1)
				 SELECT t.issue_id, t.intent_id, i.name, count(*) AS events FROM turns t JOIN intents i ON i.id = t.intent_id GROUP BY t.issue_id, i.id`,
			binds: window,
		},
	};
}

export async function listIssues(db: D1Database, projectId: string, opts: IssueListOptions): Promise<IssueList> {
	const q = issueListQueries(projectId, opts);
	// The window's active users in the form window-users.ts picks, beside the list's own statements.
	const {
		results: [rows, daily, intents, activeRows],
	} = await windowBatch(db, projectId, opts.toDay, {
		shared: [q.rows, q.daily, q.intents].map(({ sql, binds }) => db.prepare(sql).bind(...binds)),
		...activeUsersStatements(db, projectId, opts.fromDay, opts.toDay),
	});
	const topIntent = new Map<string, { id: string; name: string; events: number }>();
	for (const r of intents!.results as { issue_id: string; intent_id: string; name: string; events: number }[]) {
		if ((topIntent.get(r.issue_id)?.events ?? 0) < r.events) topIntent.set(r.issue_id, { id: r.intent_id, name: r.name, events: r.events });
	}
	const activeUsers = (activeRows!.results[0] as { n: number } | undefined)?.n ?? 0;
	const perDay = new Map<string, number[]>();
	for (const r of daily!.results as { issue_id: string; day: number; users: number }[]) {
		const series = perDay.get(r.issue_id) ?? new Array<number>(opts.toDay - opts.fromDay + 1).fill(0);
		series[r.day - opts.fromDay] = r.users;
		perDay.set(r.issue_id, series);
	}
	const views = (rows!.results as unknown as IssueRow[]).map((r) => {
		const series = perDay.get(r.id) ?? new Array<number>(opts.toDay - opts.fromDay + 1).fill(0);
		const intent = topIntent.get(r.id);
		return { ...issueView(r, activeUsers), daily_users: series, trend: trendOf(series), top_intent: intent ? { id: intent.id, name: intent.name } : null };
	});
	views.sort(compareIssueListKeys);
	const { page, next_cursor } = issueListPage(views, opts.limit, opts.after);
	return { window: { from: dayIso(opts.fromDay), to: dayIso(opts.toDay), active_users: activeUsers }, data: page, total: views.length, next_cursor };
}

/**
 * Users in the last 7 days of the window against the 7 before: "up" or "down" past ±20 %
 * (and at least 2 users apart), "new" when there were none before, else "flat".
 */
export function trendOf(dailyUsers: number[]): IssueTrend {
	const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
	const recent = sum(dailyUsers.slice(-7));
	const previous = sum(dailyUsers.slice(-14, -7));
	const direction =
		previous === 0
			? recent > 0
				? "new"
				: "flat"
			: Math.abs(recent - previous) >= 2 && recent > previous * 1.2
				? "up"
				: Math.abs(recent - previous) >= 2 && recent < previous * 0.8
					? "down"
					: "flat";
	return { direction, recent, previous };
}

/**
 * priority = volume × negative sentiment × achievable delta × strategic relevance. Volume: users
 * in the window; sentiment: 1 + the share of its events that drew negative feedback; the last
 * two are set per issue (default 1).
 */
function issueView(r: IssueRow, activeUsers: number) {
	const sentiment = 1 + (r.events ? r.negative_events / r.events : 0);
	return {
		id: r.id,
		signal: r.signal,
		title: r.title,
		description: r.description,
		state: r.state,
		events: r.events,
		users: r.users,
		window_users: r.window_users,
		pct_users: activeUsers === 0 ? 0 : Math.round((r.window_users / activeUsers) * 10000) / 100,
		first_seen: iso(r.first_seen),
		last_seen: iso(r.last_seen),
		created_at: iso(r.created_at),
		resolved_at: iso(r.resolved_at),
		resolved_in_release: r.resolved_in_release ?? null,
		priority: Math.round(r.window_users * sentiment * r.achievable_delta * r.strategic_relevance * 100) / 100,
		priority_factors: {
			users: r.window_users,
			negative_sentiment: Math.round(sentiment * 100) / 100,
			achievable_delta: r.achievable_delta,
			strategic_relevance: r.strategic_relevance,
		},
	};
}

/** An issue's daily series over the window (its issue_days rows) and its last 48 hours (time index). */
export const ISSUE_SERIES_SQL = {
	daily: "SELECT day, events, users FROM issue_days WHERE issue_id = ?1 AND day BETWEEN ?2 AND ?3",
	hourly:
		"SELECT timestamp / 3600000 AS hour, count(*) AS events, count(DISTINCT user_id) AS users FROM issue_events WHERE issue_id = ?1 AND timestamp >= ?2 GROUP BY hour",
};

/** An issue's examples are the most similar of its this many most recent events (and its central event). */
export const EXAMPLE_CANDIDATES = 500;

/**
 * An issue's examples: the central event, then the most similar of its EXAMPLE_CANDIDATES most
 * recent events (a range of its (issue, time) index; the central event by primary key), so the
 * cost does not grow with the issue. The five are chosen from issue_events rows alone (small
 * rows), and only they are joined to their events (an event is stored before it joins an issue,
 * and deleted with its issue_events rows).
 */
export const ISSUE_EXAMPLES_SQL = `WITH candidates AS MATERIALIZED (
					SELECT project_id, signal, event_id, similarity, timestamp FROM issue_events INDEXED BY issue_events_issue_time_idx WHERE issue_id = ?1
					ORDER BY timestamp DESC LIMIT ${EXAMPLE_CANDIDATES}),
				central AS MATERIALIZED (
					SELECT x.project_id, x.signal, x.event_id, x.similarity, x.timestamp FROM issues i JOIN issue_events x ON x.project_id = i.project_id AND x.signal = i.signal AND x.event_id = ?2
					WHERE i.id = ?1 AND x.issue_id = ?1),
				top AS MATERIALIZED (
					SELECT * FROM (SELECT * FROM central UNION SELECT * FROM candidates)
					ORDER BY (event_id = ?2) DESC, similarity DESC, timestamp DESC LIMIT 5)
				 SELECT e.event_id, e.timestamp, e.user_id, e.convo_id, e.model, e.input, e.output, e.body_ref IS NOT NULL AS truncated, d.evidence_field, d.evidence_start, d.evidence_end, d.evidence_text
				 FROM top t JOIN events e ON e.project_id = t.project_id AND e.event_id = t.event_id
				 LEFT JOIN detections d ON d.project_id = t.project_id AND d.event_id = t.event_id AND d.signal = t.signal
				 ORDER BY (e.event_id = ?2) DESC, t.similarity DESC, e.timestamp DESC`;

interface ExampleRow {
	event_id: string;
	timestamp: number;
	user_id: string;
	convo_id: string | null;
	model: string | null;
	input: string | null;
	output: string | null;
	/** 1 when D1 holds the first characters of a text or attachment, the whole in R2 (core/event-bodies.ts). */
	truncated: number;
	evidence_field: string | null;
	evidence_start: number;
	evidence_end: number;
	evidence_text: string;
}

/** One issue: counts, a daily series over the window, example events, and its state history. */
export async function getIssue(db: D1Database, projectId: string, issueId: string, fromDay: number, toDay: number): Promise<IssueDetail | null> {
	const { data } = await listIssuesById(db, projectId, issueId, fromDay, toDay);
	if (!data) return null;
	const hourStart = Math.floor(Date.now() / 3_600_000) - 47;
	const [series, hourly, examples, history] = await db.batch([
		db.prepare(ISSUE_SERIES_SQL.daily).bind(issueId, fromDay, toDay),
		db.prepare(ISSUE_SERIES_SQL.hourly).bind(issueId, hourStart * 3_600_000),
		db.prepare(ISSUE_EXAMPLES_SQL).bind(issueId, data.central_event_id ?? ""),
		db.prepare("SELECT from_state, to_state, changed_by, reason, at FROM issue_state_changes WHERE issue_id = ? ORDER BY at").bind(issueId),
	]);
	const byDay = new Map((series!.results as { day: number; events: number; users: number }[]).map((r) => [r.day, r]));
	const days = [];
	for (let d = fromDay; d <= toDay; d++) days.push({ day: dayIso(d), events: byDay.get(d)?.events ?? 0, users: byDay.get(d)?.users ?? 0 });
	const byHour = new Map((hourly!.results as { hour: number; events: number; users: number }[]).map((r) => [r.hour, r]));
	const hours = Array.from({ length: 48 }, (_, k) => {
		const h = hourStart + k;
		return { hour: new Date(h * 3_600_000).toISOString(), events: byHour.get(h)?.events ?? 0, users: byHour.get(h)?.users ?? 0 };
	});
	const exampleRows = examples!.results as ExampleRow[];
	const toolsByExample = await toolCallsByEvent(
		drizzle(db, { schema }),
		projectId,
		exampleRows.map((e) => e.event_id),
	);
	return {
		...data.view,
		breakdowns: await issueBreakdowns(db, projectId, issueId, fromDay, toDay),
		/** Model, prompt-version and release changes inside the window, to mark on the series. */
		markers: await releaseMarkers(db, projectId, fromDay, toDay),
		series: days,
		/** The last 48 hours, hour by hour. */
		hourly: hours,
		examples: exampleRows.map((e) => ({
			event_id: e.event_id,
			timestamp: iso(e.timestamp),
			user_id: e.user_id,
			convo_id: e.convo_id,
			model: e.model,
			input: e.input,
			output: e.output,
			texts_truncated: e.truncated === 1,
			evidence: e.evidence_field ? { field: e.evidence_field, start: e.evidence_start, end: e.evidence_end, text: e.evidence_text } : null,
			tool_calls: toolsByExample.get(e.event_id) ?? [],
		})),
		history: (history!.results as { from_state: string | null; to_state: string; changed_by: string; reason: string | null; at: number }[]).map((h) => ({
			from: h.from_state,
			to: h.to_state,
			by: h.changed_by,
			reason: h.reason,
			at: iso(h.at),
		})),
	};
}

/** Whether the project has this issue. */
export async function issueExists(db: D1Database, projectId: string, issueId: string): Promise<boolean> {
	return (await db.prepare("SELECT 1 FROM issues WHERE id = ? AND project_id = ?").bind(issueId, projectId).first()) !== null;
}

/** One issue's counts, as the list computes them. */
export const ISSUE_BY_ID_SQL = `SELECT i.*, ${issueCounts("?3", "?4")}
				 FROM issues i WHERE i.project_id = ?1 AND i.id = ?2`;

async function listIssuesById(db: D1Database, projectId: string, issueId: string, fromDay: number, toDay: number) {
	const {
		results: [rows, activeRows],
	} = await windowBatch(db, projectId, toDay, {
		shared: [db.prepare(ISSUE_BY_ID_SQL).bind(projectId, issueId, fromDay, toDay)],
		...activeUsersStatements(db, projectId, fromDay, toDay),
	});
	const row = rows!.results[0] as unknown as IssueRow | undefined;
	if (!row) return { data: null };
	return { data: { view: issueView(row, (activeRows!.results[0] as { n: number } | undefined)?.n ?? 0), central_event_id: row.central_event_id } };
}
