import { newId } from "../../../core/ids";
import type { VectorIndex } from "../../../core/vector-index/vector-index";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "./issue-event-text";

/**
 * How issues change, in one place: the api's routes and the detect worker's jobs build their
 * state changes and merges here, so a person's merge and the maintenance pass's merge are the same
 * operation. Statements are returned for the caller's one `batch()` (one transaction in D1).
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

/**
 * The D1 half of a merge: events (issue_days and issue_user_days follow through migration 0017's
 * triggers), exemplars (re-indexed on the next pass under their new issue), the span of time,
 * both issues' histories, and the merged issue itself.
 */
export function mergeIssueStatements(db: D1Database, merge: IssueMerge): D1PreparedStatement[] {
	const { from, into, by, now } = merge;
	return [
		...(merge.teach
			? [
					db
						.prepare(
							`INSERT INTO issue_exemplars (id, project_id, signal, event_id, kind, issue_id, text, created_by, created_at)
							 SELECT 'ex_' || lower(hex(randomblob(10))), ie.project_id, ie.signal, ie.event_id, 'must', ?1, ${ISSUE_EVENT_TEXT}, ?3, ?4
							 ${ISSUE_EVENT_JOINS} WHERE ie.issue_id = ?2 ORDER BY ie.timestamp DESC LIMIT ?5`,
						)
						.bind(into.id, from.id, by, now, TAUGHT_EXEMPLARS),
				]
			: []),
		db.prepare("UPDATE issue_events SET issue_id = ? WHERE issue_id = ?").bind(into.id, from.id),
		db.prepare("UPDATE issue_exemplars SET issue_id = ?, indexed_at = NULL WHERE issue_id = ?").bind(into.id, from.id),
		db
			.prepare("UPDATE issues SET first_seen = min(first_seen, (SELECT first_seen FROM issues WHERE id = ?2)), last_seen = max(last_seen, (SELECT last_seen FROM issues WHERE id = ?2)) WHERE id = ?1")
			.bind(into.id, from.id),
		stateChangeStatement(db, { issueId: from.id, from: from.state, to: "merged", by, reason: `merged into ${into.id}`, at: now }),
		stateChangeStatement(db, { issueId: into.id, from: into.state, to: into.state, by, reason: `absorbed ${from.id}`, at: now }),
		db.prepare("DELETE FROM issues WHERE id = ?").bind(from.id),
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
