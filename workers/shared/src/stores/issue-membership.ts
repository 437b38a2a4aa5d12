import { newId } from "#core/ids";
import { DAY_MS } from "#core/timestamps";
import type { ChangedBy } from "./issue-store";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "./issue-event-text";

/**
 * Which events belong to which issue: the grouper's joins, a person's moves (which leave
 * exemplars that teach the grouper), and the exemplars' indexing. The part of the issue store
 * that the consumer writes on every flagged event; issue-store.ts holds the issue's lifecycle.
 */

const JOIN_ISSUE = `INSERT OR IGNORE INTO issue_events (project_id, signal, event_id, issue_id, user_id, timestamp, day, similarity)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
/** Binds: first, last, issue. Written only when the times move (D1 bills a row written). */
const WIDEN_SPAN_TO = `UPDATE issues SET first_seen = min(first_seen, ?1), last_seen = max(last_seen, ?2)
	WHERE id = ?3 AND (first_seen > ?1 OR last_seen < ?2)`;
const MARK_EXEMPLARS_INDEXED = "UPDATE issue_exemplars SET indexed_at = ? WHERE id IN (SELECT value FROM json_each(?))";

export interface IssueJoin {
	projectId: string;
	signal: string;
	eventId: string;
	issueId: string;
	userId: string;
	timestamp: number;
	similarity: number;
}

/** A flagged event joins an issue; idempotent on (project, signal, event), so a replay changes nothing. */
export function joinIssueStatement(db: D1Database, j: IssueJoin): D1PreparedStatement {
	return db.prepare(JOIN_ISSUE).bind(j.projectId, j.signal, j.eventId, j.issueId, j.userId, j.timestamp, Math.floor(j.timestamp / DAY_MS), j.similarity);
}

/** An issue's first and last sighting widened to take in [first, last]. */
export function widenSpanStatement(db: D1Database, issueId: string, first: number, last: number): D1PreparedStatement {
	return db.prepare(WIDEN_SPAN_TO).bind(first, last, issueId);
}

/** Exemplars now in the vector index. */
export async function markExemplarsIndexed(db: D1Database, ids: string[], now: number): Promise<void> {
	await db.prepare(MARK_EXEMPLARS_INDEXED).bind(now, JSON.stringify(ids)).run();
}

/** An event of an issue with the text the grouper compares for it. */
const MEMBER = `SELECT ${ISSUE_EVENT_TEXT} AS text, ie.user_id, ie.timestamp, ie.signal ${ISSUE_EVENT_JOINS}
	WHERE ie.project_id = ? AND ie.issue_id = ? AND ie.event_id = ?`;

export interface IssueMember {
	text: string;
	user_id: string;
	timestamp: number;
	signal: string;
}

/** The event in the issue, or null. */
export async function issueMember(db: D1Database, projectId: string, issueId: string, eventId: string): Promise<IssueMember | null> {
	return db.prepare(MEMBER).bind(projectId, issueId, eventId).first<IssueMember>();
}

const INSERT_EXEMPLAR = `INSERT INTO issue_exemplars (id, project_id, signal, event_id, kind, issue_id, text, created_by, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const MOVE_EVENT = "UPDATE issue_events SET issue_id = ? WHERE project_id = ? AND signal = ? AND event_id = ?";
const REMOVE_EVENT = "DELETE FROM issue_events WHERE project_id = ? AND signal = ? AND event_id = ?";

export interface EventMove {
	projectId: string;
	signal: string;
	eventId: string;
	/** The event's text as the grouper compares it (the exemplar's text). */
	text: string;
	from: string;
	/** Null: the event leaves the issue for no other. */
	to: string | null;
	by: ChangedBy;
	now: number;
}

/**
 * A person moves one event: to another issue (it becomes a must-link exemplar of it) or out of
 * its issue (a cannot-link exemplar: like events stop joining it).
 */
export async function moveEvent(db: D1Database, move: EventMove): Promise<void> {
	const { projectId, signal, eventId, text, from, to, by, now } = move;
	const exemplar = (kind: "must" | "cannot", issueId: string) =>
		db.prepare(INSERT_EXEMPLAR).bind(newId("ex"), projectId, signal, eventId, kind, issueId, text, by, now);
	await db.batch(
		to
			? [db.prepare(MOVE_EVENT).bind(to, projectId, signal, eventId), exemplar("must", to)]
			: [db.prepare(REMOVE_EVENT).bind(projectId, signal, eventId), exemplar("cannot", from)],
	);
}
