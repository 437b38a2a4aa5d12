import { newId } from "#core/ids";
import { BASELINE_DAYS, initialState, MERGED, personReason, type PersonState, reasons, type SystemTransition, WAKE_FROM_IGNORED } from "#core/issues/lifecycle";
import { DAY_MS } from "#core/timestamps";
import type { VectorIndex } from "#core/vector-index/vector-index";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "./issue-event-text";
import { clearSplitStatement } from "./split-requests";

/**
 * How issues change, in one place: the api's routes and the detect worker's jobs build their
 * state changes, merges, splits and moves here, so a person's change and the maintenance pass's
 * are the same operation. What to change is decided in core/issues/lifecycle.ts; this file only
 * writes it. Statements are returned for the caller's one `batch()` (one transaction in D1).
 *
 * Database style: named SQL constants (or small builders) bound with `db.prepare()`, not drizzle's
 * query builder. These writes are D1 `batch()` transactions whose later statements guard on the
 * earlier ones (`INSERT ... SELECT ... WHERE EXISTS`), they lean on SQLite triggers (migrations
 * 0017 and 0019 keep issue_days, issue_user_days and intent_signal_days) and on exact plans
 * (`INDEXED BY`, covering indexes, `RETURNING`, `json_each` id lists) that the read-plan tests pin;
 * the SQL must be the SQL that runs. Drizzle stays the schema (db/schema) and the migrations
 * generated from it, and the few simple inserts already written with it.
 */

/** `key:<id>` for a person's API key, `system` for the detect worker. */
export type ChangedBy = "system" | `key:${string}`;

export interface StateChange {
	issueId: string;
	/** Null when the issue is created. */
	from: string | null;
	to: string;
	by: ChangedBy;
	reason: string | null;
	at: number;
}

/**
 * Writes the change only while the issue exists (and, when given, is in `state` and was resolved
 * before `resolvedBefore`): for statements in a batch whose earlier statements may not have
 * created or changed the issue (a promotion that lost a race, a regression that does not apply).
 */
export interface StateChangeGuard {
	state?: string;
	resolvedBefore?: number;
}

/** The one statement that records an issue's state change in its history (issue_state_changes). */
export function stateChangeStatement(db: D1Database, change: StateChange, guard?: StateChangeGuard): D1PreparedStatement {
	const values = [newId("isc"), change.issueId, change.from, change.to, change.by, change.reason, change.at] as const;
	const insert = "INSERT INTO issue_state_changes (id, issue_id, from_state, to_state, changed_by, reason, at)";
	if (!guard) return db.prepare(`${insert} VALUES (?, ?, ?, ?, ?, ?, ?)`).bind(...values);
	// Only the conditions given are written and bound: SQLite refuses a value with no parameter to take it.
	const where = ["id = ?"];
	const binds: (string | number)[] = [change.issueId];
	if (guard.state !== undefined) {
		where.push("state = ?");
		binds.push(guard.state);
	}
	if (guard.resolvedBefore !== undefined) {
		where.push("? > coalesce(resolved_at, 0)");
		binds.push(guard.resolvedBefore);
	}
	return db.prepare(`${insert} SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM issues WHERE ${where.join(" AND ")})`).bind(...values, ...binds);
}

export interface IssueMerge {
	from: { id: string; state: string };
	into: { id: string; state: string };
	by: ChangedBy;
	now: number;
	/**
	 * A person said the two are the same problem: the merged issue's latest events also become
	 * exemplars of the target, so similar future events go there. The maintenance pass's merge
	 * follows the centres it already compared and teaches nothing.
	 */
	teach?: boolean;
}

/** Latest events of a merged issue kept as exemplars of the target when a person merges. */
const TAUGHT_EXEMPLARS = 5;

const TEACH_MERGED_EXEMPLARS = `INSERT INTO issue_exemplars (id, project_id, signal, event_id, kind, issue_id, text, created_by, created_at)
	SELECT 'ex_' || lower(hex(randomblob(10))), ie.project_id, ie.signal, ie.event_id, 'must', ?1, ${ISSUE_EVENT_TEXT}, ?3, ?4
	${ISSUE_EVENT_JOINS} WHERE ie.issue_id = ?2 ORDER BY ie.timestamp DESC LIMIT ?5`;
const MOVE_ALL_EVENTS = "UPDATE issue_events SET issue_id = ? WHERE issue_id = ?";
const MOVE_ALL_EXEMPLARS = "UPDATE issue_exemplars SET issue_id = ?, indexed_at = NULL WHERE issue_id = ?";
/** The target's span of time takes in the merged issue's (binds: into, from). */
const WIDEN_SPAN = `UPDATE issues SET first_seen = min(first_seen, (SELECT first_seen FROM issues WHERE id = ?2)),
	last_seen = max(last_seen, (SELECT last_seen FROM issues WHERE id = ?2)) WHERE id = ?1`;
const DELETE_ISSUE = "DELETE FROM issues WHERE id = ?";

/**
 * The D1 half of a merge: events (issue_days and issue_user_days follow through migration 0017's
 * triggers), exemplars (re-indexed on the next pass under their new issue), the span of time,
 * both issues' histories, and the merged issue itself.
 */
export function mergeIssueStatements(db: D1Database, merge: IssueMerge): D1PreparedStatement[] {
	const { from, into, by, now } = merge;
	return [
		...(merge.teach ? [db.prepare(TEACH_MERGED_EXEMPLARS).bind(into.id, from.id, by, now, TAUGHT_EXEMPLARS)] : []),
		db.prepare(MOVE_ALL_EVENTS).bind(into.id, from.id),
		db.prepare(MOVE_ALL_EXEMPLARS).bind(into.id, from.id),
		db.prepare(WIDEN_SPAN).bind(into.id, from.id),
		stateChangeStatement(db, { issueId: from.id, from: from.state, to: MERGED, by, reason: reasons.mergedInto(into.id), at: now }),
		stateChangeStatement(db, { issueId: into.id, from: into.state, to: into.state, by, reason: reasons.absorbed(from.id), at: now }),
		db.prepare(DELETE_ISSUE).bind(from.id),
	];
}

/**
 * Merges `from` into `into`: the D1 statements in one batch, then the merged issue's centre out
 * of the vector index: left there, it would stay the nearest match of the merged issue's kind of
 * events, which the grouper then treats as no match (their issue is gone) instead of joining the
 * target. If this call fails after the batch, the grouper deletes the stale vector on its first match.
 */
export async function mergeIssues(ports: { db: D1Database; index: Pick<VectorIndex, "deleteByIds"> }, merge: IssueMerge): Promise<void> {
	await ports.db.batch(mergeIssueStatements(ports.db, merge));
	await ports.index.deleteByIds([merge.from.id]);
}

export interface IssueRef {
	id: string;
	signal: string;
	state: string;
}

const FIND_ISSUE = "SELECT id, signal, state FROM issues WHERE id = ? AND project_id = ?";

/** The issue in the project, or null. */
export async function findIssue(db: D1Database, projectId: string, id: string): Promise<IssueRef | null> {
	return db.prepare(FIND_ISSUE).bind(id, projectId).first<IssueRef>();
}

const SET_PRIORITY_FACTORS = `UPDATE issues SET achievable_delta = coalesce(?, achievable_delta), strategic_relevance = coalesce(?, strategic_relevance)
	WHERE id = ? AND project_id = ?`;

/** A person's priority factors (an absent one is kept); false when there is no such issue in the project. */
export async function setPriorityFactors(
	db: D1Database,
	projectId: string,
	id: string,
	factors: { achievable_delta?: number; strategic_relevance?: number },
): Promise<boolean> {
	const { meta } = await db
		.prepare(SET_PRIORITY_FACTORS)
		.bind(factors.achievable_delta ?? null, factors.strategic_relevance ?? null, id, projectId)
		.run();
	return meta.changes > 0;
}

/**
 * A person's state (binds: state, now, issue, more users, release). Resolving stamps resolved_at;
 * ignoring until N more users stores the user count at which it wakes (today's plus N).
 */
const SET_PERSON_STATE = `UPDATE issues SET state = ?1, resolved_at = CASE WHEN ?1 = 'resolved' THEN ?2 ELSE resolved_at END, resolved_in_release = ?5,
	ignore_until_users = CASE WHEN ?4 IS NULL THEN NULL
		ELSE (SELECT count(DISTINCT user_id) FROM issue_user_days WHERE issue_id = ?3) + ?4 END
	WHERE id = ?3`;

export interface PersonStateChange {
	issueId: string;
	from: string;
	to: PersonState;
	by: ChangedBy;
	at: number;
	reason?: string;
	/** With "ignored": come back once this many more users are affected. */
	untilMoreUsers?: number;
	/** With "resolved": the release that fixes it. */
	inRelease?: string;
}

/** A person resolves, ignores or reopens an issue: the state and its history in one batch. */
export async function setIssueState(db: D1Database, change: PersonStateChange): Promise<void> {
	const { issueId, from, to, by, at, untilMoreUsers, inRelease } = change;
	const reason = personReason({ reason: change.reason, until_more_users: untilMoreUsers, in_release: inRelease });
	await db.batch([
		db.prepare(SET_PERSON_STATE).bind(to, at, issueId, untilMoreUsers ?? null, inRelease ?? null),
		stateChangeStatement(db, { issueId, from, to, by, reason, at }),
	]);
}

const SET_SYSTEM_STATE = "UPDATE issues SET state = ? WHERE id = ? AND state = ?";

/** A transition the maintenance pass decided (core systemTransition): written only while the issue is still in `from`. */
export function systemTransitionStatements(db: D1Database, issueId: string, t: SystemTransition, at: number): D1PreparedStatement[] {
	return [
		db.prepare(SET_SYSTEM_STATE).bind(t.to, issueId, t.from),
		stateChangeStatement(db, { issueId, from: t.from, to: t.to, by: "system", reason: t.reason, at }),
	];
}

const IGNORED_PAST_THEIR_USERS = `SELECT id FROM issues i WHERE state = 'ignored' AND ignore_until_users IS NOT NULL
	AND (SELECT count(DISTINCT user_id) FROM issue_user_days u WHERE u.issue_id = i.id) >= ignore_until_users`;
const CLEAR_IGNORE_UNTIL = "UPDATE issues SET ignore_until_users = NULL WHERE id = ?";

/** Issues ignored until N more users that reached them come back as ongoing; returns how many. */
export async function wakeIgnoredIssues(db: D1Database, now: number): Promise<number> {
	const { results: woken } = await db.prepare(IGNORED_PAST_THEIR_USERS).all<{ id: string }>();
	for (const { id } of woken) await db.batch([db.prepare(CLEAR_IGNORE_UNTIL).bind(id), ...systemTransitionStatements(db, id, WAKE_FROM_IGNORED, now)]);
	return woken.length;
}

/** Users of the last 24 hours, and users over the baseline days (binds: issue, since, first day, last day). */
const ISSUE_USAGE = `SELECT (SELECT count(DISTINCT user_id) FROM issue_events WHERE issue_id = ?1 AND timestamp > ?2) AS recentUsers,
	(SELECT coalesce(sum(users), 0) FROM issue_days WHERE issue_id = ?1 AND day BETWEEN ?3 AND ?4) AS baselineUsers`;

/** What core's systemTransition needs to decide on escalation. */
export async function issueUsage(db: D1Database, issueId: string, now: number): Promise<{ recentUsers: number; baselineUsers: number }> {
	const today = Math.floor(now / DAY_MS);
	const row = await db
		.prepare(ISSUE_USAGE)
		.bind(issueId, now - DAY_MS, today - BASELINE_DAYS.from, today - BASELINE_DAYS.to)
		.first<{ recentUsers: number; baselineUsers: number }>();
	return { recentUsers: row?.recentUsers ?? 0, baselineUsers: row?.baselineUsers ?? 0 };
}

const REGRESS = "UPDATE issues SET state = 'regressed' WHERE id = ? AND state = 'resolved'";
const REGRESS_AFTER = `${REGRESS} AND ? > coalesce(resolved_at, 0)`;

/**
 * An event joining a resolved issue regresses it when core's `regression` says so; `afterResolution`
 * only when the event came after resolved_at, which the statement checks against the row itself
 * (the history first: its guard reads the state before the update changes it).
 */
export function regressionStatements(
	db: D1Database,
	issueId: string,
	regression: { reason: string; afterResolution: boolean },
	eventTimestamp: number,
	at: number,
): D1PreparedStatement[] {
	const { reason, afterResolution } = regression;
	return [
		stateChangeStatement(
			db,
			{ issueId, from: "resolved", to: "regressed", by: "system", reason, at },
			{ state: "resolved", resolvedBefore: afterResolution ? eventTimestamp : undefined },
		),
		afterResolution ? db.prepare(REGRESS_AFTER).bind(issueId, eventTimestamp) : db.prepare(REGRESS).bind(issueId),
	];
}

const SPLIT_MEMBERS = `SELECT ie.event_id, ie.user_id, ie.timestamp, ${ISSUE_EVENT_TEXT} AS text ${ISSUE_EVENT_JOINS}
	WHERE ie.issue_id = ? ORDER BY ie.timestamp DESC LIMIT ?`;
const PROJECT_TITLES = "SELECT title FROM issues WHERE project_id = ?";

/** The latest `limit` events of an issue with the text the grouper compares, for re-clustering it. */
export async function latestMembers(db: D1Database, issueId: string, limit: number) {
	const { results } = await db.prepare(SPLIT_MEMBERS).bind(issueId, limit).all<{ event_id: string; user_id: string; timestamp: number; text: string }>();
	return results;
}

/**
 * The titles of a project's issues, every signal and state: a new issue is named apart from them
 * (the issue list shows them side by side). D1 holds the rule too: issues_project_title_idx
 * (migration 0026) is unique, so of two passes that named at once the second fails and names again.
 */
export async function projectTitles(db: D1Database, projectId: string): Promise<string[]> {
	const { results } = await db.prepare(PROJECT_TITLES).bind(projectId).all<{ title: string }>();
	return results.map((r) => r.title);
}

/** Whether a D1 error is issues_project_title_idx refusing a title another issue of the project has. */
export const isTitleTaken = (err: unknown): boolean =>
	/UNIQUE constraint failed: issues\.project_id, issues\.title/.test(String((err as Error)?.message ?? err));

const INSERT_SPLIT_PART = `INSERT INTO issues (id, project_id, signal, title, description, state, model, central_event_id, first_seen, last_seen, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const MOVE_EVENTS = "UPDATE issue_events SET issue_id = ? WHERE issue_id = ? AND event_id IN (SELECT value FROM json_each(?))";

export interface IssueSplit {
	issue: { id: string; project_id: string; signal: string; state: string };
	/** The new issues, each with the events it takes from the split one. */
	parts: { id: string; title: string; description: string; centralEventId: string; firstSeen: number; lastSeen: number; eventIds: string[] }[];
	model: string;
	now: number;
}

/** The D1 half of a split (its centres go to the index first): the request cleared, each part a new issue with its events, both histories. */
export function splitIssueStatements(db: D1Database, split: IssueSplit): D1PreparedStatement[] {
	const { issue, parts, model, now } = split;
	return [
		clearSplitStatement(db, "issues", issue.id),
		...parts.flatMap((p) => {
			// A part's state follows its own events' time, as a promoted issue's does.
			const state = initialState(p.firstSeen, now);
			return [
				db
					.prepare(INSERT_SPLIT_PART)
					.bind(p.id, issue.project_id, issue.signal, p.title, p.description, state, model, p.centralEventId, p.firstSeen, p.lastSeen, now),
				stateChangeStatement(db, { issueId: p.id, from: null, to: state, by: "system", reason: reasons.splitFrom(issue.id, p.firstSeen), at: now }),
				db.prepare(MOVE_EVENTS).bind(p.id, issue.id, JSON.stringify(p.eventIds)),
			];
		}),
		stateChangeStatement(db, {
			issueId: issue.id,
			from: issue.state,
			to: issue.state,
			by: "system",
			reason: reasons.splitInto(parts.map((p) => p.id)),
			at: now,
		}),
	];
}

/** Only while no other issue of the project has the title (compared as naming does, ignoring case). */
const NAME_ISSUE = `UPDATE issues SET title = ?1, description = ?2, summarized_at = ?3 WHERE id = ?4 AND summarized_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM issues o WHERE o.project_id = issues.project_id AND o.id != issues.id AND lower(o.title) = lower(?1))`;
const MARK_SUMMARIZED = "UPDATE issues SET summarized_at = ? WHERE id = ? AND summarized_at IS NULL";

/**
 * A name from the summarizer, once per issue; null, or a title another issue of the project has,
 * marks the issue tried, keeping its c-TF-IDF title (which was named apart from the others).
 */
export async function nameIssue(db: D1Database, issueId: string, name: { title: string; description: string } | null, now: number): Promise<void> {
	const mark = db.prepare(MARK_SUMMARIZED).bind(now, issueId);
	await db.batch(name ? [db.prepare(NAME_ISSUE).bind(name.title, name.description, now, issueId), mark] : [mark]);
}

/** A new title and description (a rename after the texts it quoted were deleted). */
export async function renameIssue(db: D1Database, issueId: string, name: { title: string; description: string }): Promise<void> {
	await db.prepare("UPDATE issues SET title = ?, description = ? WHERE id = ?").bind(name.title, name.description, issueId).run();
}
