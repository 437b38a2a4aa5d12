import type { VectorIndex } from "#core/vector-index/vector-index";
import type { EventVectorStore } from "#core/vector-index/event-vectors";
import { D1VectorIndex } from "../adapters/d1-vector-index";
import { renameQuotingIntents, renameQuotingIssues, textsBy } from "./deleted-text-names";
import { clearUserLastDays } from "./last-active-days";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "./issue-event-text";
import { DAY_MS } from "#core/timestamps";
import type { EventBodyStore } from "../adapters/event-body-store";

/**
 * Deleting stored data: a user's (DELETE /api/users/:id) and what a project's retention window
 * expired (the detect worker's maintenance cron). Both go through `deleteEventRound`, so a table
 * added later is handled in one place. Everything is project-scoped and bounded: rounds of
 * EVENTS_PER_ROUND events (ids travel as one JSON parameter, far under D1's 100 bound parameters),
 * and callers cap the rounds per call, then call again: every step is idempotent.
 */

export const DELETION_TABLES = [
	"events",
	"tool_calls",
	"signals",
	"detections",
	"event_intents",
	"intent_candidates",
	"issue_events",
	"issue_candidates",
	"issue_exemplars",
	"issues",
	"intents",
	"alert_deliveries",
	"queued_payloads",
	"pending_events",
	"dead_letters",
	"user_signal_days",
	"user_days",
	"conversations",
	"users",
	"vectors",
] as const;
export type DeletionTable = (typeof DELETION_TABLES)[number];
export type DeletionCounts = Record<DeletionTable, number>;

/** Events per round: one D1 batch (one transaction) deletes them and every row derived from them. */
export const EVENTS_PER_ROUND = 200;
/** Rows of a table not keyed by event (days, conversations, parked bodies) deleted per statement. */
const ROWS_PER_STATEMENT = 1000;

export interface DeletionPorts {
	db: D1Database;
	/** The index holding issue and intent centres and teaching exemplars (D1). */
	index: VectorIndex;
	/** Every event's input and output vectors (search by meaning): Vectorize in production, D1 locally. */
	eventVectors: EventVectorStore;
	/** Events' whole texts when longer than D1 keeps (R2): retention deletes the objects whose events all expired. */
	bodies: EventBodyStore;
}

export const emptyCounts = (): DeletionCounts => Object.fromEntries(DELETION_TABLES.map((t) => [t, 0])) as DeletionCounts;

/** The index of centres and exemplars for a worker that only deletes: the detect worker's (issuePorts), in the same D1. */
export function deletionIndex(env: { DB: D1Database }): VectorIndex {
	// deleteByIds does not depend on the model; the name only says what this index is for.
	return new D1VectorIndex(env.DB, "any");
}

const IDS = "(SELECT value FROM json_each(?))";
/**
 * The signals an event's issue rows can have (binds: project, project, event ids). Their primary
 * key is (project, signal, event): naming the signals lets D1 use it instead of reading every row
 * of the project once per round. Flagged events come from detections; a merged or moved event
 * keeps its signal, and its issue has it.
 */
const SIGNALS = `(SELECT signal FROM issues WHERE project_id = ? UNION SELECT signal FROM detections WHERE project_id = ? AND event_id IN ${IDS})`;
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

/**
 * Deletes a set of one project's events and everything derived from them, then settles the issues
 * and intents they belonged to: one left without events is deleted with its vectors (an empty issue
 * shows nothing and its centre would keep pulling new events in); one that keeps events gets its
 * first/last seen from them, a new central event if its own went, a new name when its name quoted
 * a deleted text, and is summarized again by Workers AI (summarized_at cleared), whose summary may too.
 */
export async function deleteEventRound(
	ports: DeletionPorts,
	projectId: string,
	eventIds: string[],
	counts: DeletionCounts,
	opts: { keepAggregates?: boolean } = {},
): Promise<void> {
	if (eventIds.length === 0) return;
	const { db, index } = ports;
	const events = JSON.stringify(eventIds);
	// The texts that go, per issue and intent: a name that quotes one is made again from what stays.
	const [issueRows, issueTexts, intentRows, exemplarRows] = await db.batch<{ id: string; text: string | null }>([
		db
			.prepare(`SELECT DISTINCT issue_id AS id, NULL AS text FROM issue_events WHERE project_id = ? AND signal IN ${SIGNALS} AND event_id IN ${IDS}`)
			.bind(projectId, projectId, projectId, events, events),
		db
			.prepare(
				`SELECT ie.issue_id AS id, ${ISSUE_EVENT_TEXT} AS text ${ISSUE_EVENT_JOINS} WHERE ie.project_id = ? AND ie.signal IN ${SIGNALS} AND ie.event_id IN ${IDS}`,
			)
			.bind(projectId, projectId, projectId, events, events),
		db
			.prepare(
				`SELECT ei.intent_id AS id, e.input AS text FROM event_intents ei LEFT JOIN events e ON e.project_id = ei.project_id AND e.event_id = ei.event_id WHERE ei.project_id = ? AND ei.event_id IN ${IDS}`,
			)
			.bind(projectId, events),
		db.prepare(`SELECT id, NULL AS text FROM issue_exemplars WHERE project_id = ? AND event_id IN ${IDS}`).bind(projectId, events),
	]);
	// Vectors first: should the D1 batch fail, the rows that name them are still there for the retry. Long
	// texts in R2 need nothing here: their keys leave with the rows (core/event-bodies.ts).
	await ports.eventVectors.delete(projectId, eventIds);
	const exemplarIds = ids(exemplarRows!.results);
	if (exemplarIds.length) await index.deleteByIds(exemplarIds);
	counts.vectors += exemplarIds.length;
	const issues = JSON.stringify(ids(issueRows!.results));
	const intents = JSON.stringify([...new Set(ids(intentRows!.results))]);
	const byEvent = (table: DeletionTable) =>
		[table, db.prepare(`DELETE FROM ${table} WHERE project_id = ? AND event_id IN ${IDS} RETURNING 1`).bind(projectId, events)] as const;
	const deletes = [
		// every_match alerts carry the event's text and user id; keyed by rule and "match:<event>:<signal>".
		[
			"alert_deliveries",
			db
				.prepare(
					`DELETE FROM alert_deliveries WHERE rule_id IN (SELECT id FROM alert_rules WHERE project_id = ?) AND dedupe_key IN (
						SELECT 'match:' || event_id || ':' || signal FROM detections WHERE project_id = ? AND event_id IN ${IDS}
						UNION ALL SELECT 'match:' || event_id || ':' || signal FROM signals WHERE project_id = ? AND event_id IN ${IDS}) RETURNING 1`,
				)
				.bind(projectId, projectId, events, projectId, events),
		],
		[
			"issue_events",
			db
				.prepare(`DELETE FROM issue_events WHERE project_id = ? AND signal IN ${SIGNALS} AND event_id IN ${IDS} RETURNING 1`)
				.bind(projectId, projectId, projectId, events, events),
		],
		[
			"issue_candidates",
			db
				.prepare(`DELETE FROM issue_candidates WHERE project_id = ? AND signal IN ${SIGNALS} AND event_id IN ${IDS} RETURNING 1`)
				.bind(projectId, projectId, projectId, events, events),
		],
		byEvent("issue_exemplars"),
		byEvent("tool_calls"),
		byEvent("signals"),
		byEvent("detections"),
		byEvent("event_intents"),
		byEvent("intent_candidates"),
		// A body still parked (its message not consumed yet) would store the event again.
		[
			"queued_payloads",
			db
				.prepare(
					`DELETE FROM queued_payloads WHERE project_id = ? AND coalesce(json_extract(body, '$.event.event_id'), json_extract(body, '$.signal.event_id')) IN ${IDS} RETURNING 1`,
				)
				.bind(projectId, events),
		],
		// The parts an event was merged from (kept a while after it is stored) hold its text too.
		byEvent("pending_events"),
		["events", db.prepare(`DELETE FROM events WHERE project_id = ? AND event_id IN ${IDS} RETURNING 1`).bind(projectId, events)],
	] as const;
	const emptyIssues = `SELECT id FROM issues i WHERE i.project_id = ? AND i.id IN ${IDS} AND NOT EXISTS (SELECT 1 FROM issue_events e WHERE e.issue_id = i.id)`;
	const emptyIntents = `SELECT id FROM intents i WHERE i.project_id = ? AND i.id IN ${IDS} AND NOT EXISTS (SELECT 1 FROM event_intents e WHERE e.intent_id = i.id)`;
	const settle = [
		db
			.prepare(
				`SELECT id FROM issues WHERE id IN (${emptyIssues}) UNION ALL SELECT id FROM issue_exemplars WHERE issue_id IN (${emptyIssues}) UNION ALL ${emptyIntents}`,
			)
			.bind(projectId, issues, projectId, issues, projectId, intents),
		db.prepare(`DELETE FROM issue_exemplars WHERE issue_id IN (${emptyIssues})`).bind(projectId, issues),
		db.prepare(`DELETE FROM issue_state_changes WHERE issue_id IN (${emptyIssues})`).bind(projectId, issues),
		db.prepare(`DELETE FROM issues WHERE id IN (${emptyIssues}) RETURNING 1`).bind(projectId, issues),
		db
			.prepare(
				`UPDATE issues SET
				first_seen = (SELECT min(timestamp) FROM issue_events e WHERE e.issue_id = issues.id),
				last_seen = (SELECT max(timestamp) FROM issue_events e WHERE e.issue_id = issues.id),
				central_event_id = CASE WHEN EXISTS (SELECT 1 FROM issue_events e WHERE e.issue_id = issues.id AND e.event_id = issues.central_event_id) THEN central_event_id
					ELSE (SELECT event_id FROM issue_events e WHERE e.issue_id = issues.id ORDER BY coalesce(e.similarity, 0) DESC, e.timestamp DESC LIMIT 1) END,
				summarized_at = NULL
			 WHERE project_id = ? AND id IN ${IDS}`,
			)
			.bind(projectId, issues),
		db.prepare(`UPDATE intents SET parent_id = NULL WHERE parent_id IN (${emptyIntents})`).bind(projectId, intents),
		db.prepare(`DELETE FROM intents WHERE id IN (${emptyIntents})`).bind(projectId, intents),
	];
	// Retention keeps the issues' per-day counts (issue_days): a hold row, inside this batch's
	// transaction only, tells the issue_events delete trigger to leave them (migration 0017).
	// A user's deletion takes their events out of the counts.
	const hold = opts.keepAggregates ? [db.prepare("INSERT OR IGNORE INTO aggregate_holds (id) VALUES (1)")] : [];
	const release = opts.keepAggregates ? [db.prepare("DELETE FROM aggregate_holds")] : [];
	const results = (await db.batch([...hold, ...deletes.map(([, s]) => s), ...release, ...settle])).slice(hold.length);
	// Counted from RETURNING: D1's meta.changes also counts the rows the aggregates' triggers changed.
	deletes.forEach(([table], i) => (counts[table] += results[i]!.results.length));
	const settled = results.slice(deletes.length + release.length);
	const gone = ids((settled[0]!.results ?? []) as { id: string }[]);
	counts.issues += settled[3]!.results.length;
	counts.intents += results.at(-1)!.meta.changes;
	// A centre left behind is also dropped by the grouper when it next matches it (its issue is gone).
	if (gone.length) await index.deleteByIds(gone);
	// Once more for the exemplars, now that their rows are gone: a maintenance pass between the first delete and
	// the batch finds their rows without vectors and embeds them again (restoreMissingCentres).
	if (exemplarIds.length) await index.deleteByIds(exemplarIds);
	counts.vectors += gone.length;
	await renameQuotingIssues(db, textsBy(issueTexts!.results));
	await renameQuotingIntents(db, projectId, textsBy(intentRows!.results));
}

/**
 * How deleteRows names a row: the primary key of the WITHOUT ROWID tables (migration 0018; they have
 * no rowid), the rowid of the others.
 */
const ROW_KEYS = {
	signals: "rowid",
	dead_letters: "rowid",
	queued_payloads: "rowid",
	user_signal_days: "(project_id, signal, day, user_id)",
	user_days: "(project_id, day, user_id)",
	conversations: "(project_id, convo_id)",
	users: "(project_id, user_id)",
	pending_events: "(project_id, event_id)",
} satisfies Partial<Record<DeletionTable, string>>;

/** Deletes up to ROWS_PER_STATEMENT rows a statement selects by key (tables not keyed by event), counting them. */
async function deleteRows(db: D1Database, counts: DeletionCounts, table: keyof typeof ROW_KEYS, where: string, ...params: unknown[]): Promise<number> {
	const key = ROW_KEYS[table];
	// Counted from RETURNING: D1's meta.changes also counts rows the aggregates' triggers changed.
	const { results } = await db
		.prepare(`DELETE FROM ${table} WHERE ${key} IN (SELECT ${key.replace(/[()]/g, "")} FROM ${table} WHERE ${where} LIMIT ${ROWS_PER_STATEMENT}) RETURNING 1`)
		.bind(...params)
		.all();
	counts[table] += results.length;
	return results.length;
}

/**
 * Where the user's events are found: `events` first (indexed by user), then rows whose event is not
 * stored. Their user_id is copied from the event; a signal's may be given apart from its event, so
 * signals naming the user are deleted as rows, never by their event.
 */
const USER_EVENT_SOURCES = ["events", "detections", "issue_events", "event_intents", "issue_candidates", "intent_candidates", "tool_calls"] as const;

export interface DeletionProgress {
	deleted: DeletionCounts;
	/** False when the round cap was reached first: call again to continue (nothing is redone). */
	done: boolean;
	/** The user's or window's events still stored. */
	remainingEvents: number;
}

/** Is there anything of this user in the project? (404 otherwise.) */
export async function userExists(db: D1Database, projectId: string, userId: string): Promise<boolean> {
	const row = await db
		.prepare(
			`SELECT EXISTS (SELECT 1 FROM users WHERE project_id = ?1 AND user_id = ?2) OR EXISTS (SELECT 1 FROM events WHERE project_id = ?1 AND user_id = ?2)
				OR EXISTS (SELECT 1 FROM user_days WHERE project_id = ?1 AND user_id = ?2) OR EXISTS (SELECT 1 FROM signals WHERE project_id = ?1 AND user_id = ?2) AS found`,
		)
		.bind(projectId, userId)
		.first<{ found: number }>();
	return Boolean(row?.found);
}

/**
 * Deletes one user's data in one project, at most `maxRounds` rounds of events per call. The
 * `users` row goes last, so an interrupted or capped deletion is still found (not 404) when called again.
 */
export async function deleteUserData(ports: DeletionPorts, projectId: string, userId: string, maxRounds: number): Promise<DeletionProgress> {
	const { db } = ports;
	const deleted = emptyCounts();
	// The user's last-active rows first: their day rows then go without a look back each.
	await db.batch(clearUserLastDays(db, projectId, userId));
	let rounds = 0;
	for (const source of USER_EVENT_SOURCES) {
		for (;;) {
			if (rounds >= maxRounds) return { deleted, done: false, remainingEvents: await countEvents(db, "user_id = ?", projectId, userId) };
			const { results } = await db
				.prepare(`SELECT DISTINCT event_id AS id FROM ${source} WHERE project_id = ? AND user_id = ? LIMIT ${EVENTS_PER_ROUND}`)
				.bind(projectId, userId)
				.all<{ id: string }>();
			if (results.length === 0) break;
			const before = Object.values(deleted).reduce((a, b) => a + b, 0);
			await deleteEventRound(ports, projectId, ids(results), deleted);
			rounds++;
			// Rows the round could not reach (an issue row whose signal no issue or detection has) would loop forever.
			if (Object.values(deleted).reduce((a, b) => a + b, 0) === before) {
				console.error(`deleting user data: ${source} rows of events ${results[0]!.id}… are left`);
				break;
			}
		}
	}
	const user = [projectId, userId];
	while ((await deleteRows(db, deleted, "signals", "project_id = ? AND user_id = ?", ...user)) === ROWS_PER_STATEMENT);
	await deleteRows(db, deleted, "user_signal_days", "project_id = ? AND user_id = ?", ...user);
	await deleteRows(db, deleted, "user_days", "project_id = ? AND user_id = ?", ...user);
	await deleteRows(db, deleted, "conversations", "project_id = ? AND user_id = ?", ...user);
	// Undelivered messages that name the user: dead letters (replayable) and bodies still parked.
	// A pending event's dead letter holds its merged state, where the user is `fields.user_id.value`.
	const names =
		"? IN (json_extract(body, '$.event.user_id'), json_extract(body, '$.identify.user_id'), json_extract(body, '$.signal.user_id'), json_extract(body, '$.fields.user_id.value'))";
	await deleteRows(db, deleted, "dead_letters", `project_id = ? AND ${names}`, ...user);
	await deleteRows(db, deleted, "queued_payloads", `project_id = ? AND ${names}`, ...user);
	// Events of the user still arriving in parts (not stored yet).
	await deleteRows(db, deleted, "pending_events", "project_id = ? AND json_extract(merged, '$.fields.user_id.value') = ?", ...user);
	await deleteRows(db, deleted, "users", "project_id = ? AND user_id = ?", ...user);
	return { deleted, done: true, remainingEvents: 0 };
}

async function countEvents(db: D1Database, where: string, ...params: unknown[]): Promise<number> {
	const row = await db
		.prepare(`SELECT count(*) AS n FROM events WHERE project_id = ? AND ${where}`)
		.bind(...params)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

/**
 * Deletes a project's data older than `cutoff` (ms): events and all derived from them, oldest
 * first, at most `maxRounds` rounds; then day rows, conversations, users, dead letters and
 * parked bodies with nothing newer, a bounded number each. A later run continues where this stopped.
 */
export async function purgeOlderThan(
	ports: DeletionPorts,
	projectId: string,
	cutoff: number,
	maxRounds: number,
	deadline = Number.POSITIVE_INFINITY,
): Promise<DeletionProgress> {
	const { db } = ports;
	const deleted = emptyCounts();
	// At least one round, then more while rounds and time remain.
	for (let round = 0; round < maxRounds && (round === 0 || Date.now() < deadline); round++) {
		const { results } = await db
			.prepare(`SELECT event_id AS id FROM events WHERE project_id = ? AND timestamp < ? ORDER BY timestamp LIMIT ${EVENTS_PER_ROUND}`)
			.bind(projectId, cutoff)
			.all<{ id: string }>();
		if (results.length === 0) break;
		// Old raw events leave; the issues' daily counts stay.
		await deleteEventRound(ports, projectId, ids(results), deleted, { keepAggregates: true });
	}
	const remainingEvents = await countEvents(db, "timestamp < ?", projectId, cutoff);
	// Feedback that old whose event was never stored (or is inside the window): the rows only.
	const signals = await deleteRows(db, deleted, "signals", "project_id = ? AND timestamp < ?", projectId, cutoff);
	// A day row is expired once its whole UTC day is before the cutoff.
	const day = Math.floor(cutoff / DAY_MS);
	await deleteRows(db, deleted, "user_signal_days", "project_id = ? AND day < ?", projectId, day);
	await deleteRows(db, deleted, "user_days", "project_id = ? AND day < ?", projectId, day);
	await deleteRows(db, deleted, "dead_letters", "project_id = ? AND received_at < ?", projectId, cutoff);
	await deleteRows(db, deleted, "queued_payloads", "project_id = ? AND created_at < ?", projectId, cutoff);
	// Conversations and users with nothing newer go once their old events have.
	if (remainingEvents === 0) {
		// Last seen is not kept on these rows (migration 0034): one with no event left has nothing newer.
		const noEvents = (table: string, column: string) => `NOT EXISTS (SELECT 1 FROM events e WHERE e.project_id = ?1 AND e.${column} = ${table}.${column})`;
		await deleteRows(db, deleted, "conversations", `project_id = ?1 AND first_seen < ?2 AND ${noEvents("conversations", "convo_id")}`, projectId, cutoff);
		await deleteRows(
			db,
			deleted,
			"users",
			`project_id = ?1 AND max(coalesce(first_seen, 0), coalesce(traits_updated_at, 0)) < ?2 AND ${noEvents("users", "user_id")}`,
			projectId,
			cutoff,
		);
		// Long texts in R2: the objects whose every event has expired (their rows, and so their keys, are gone).
		await ports.bodies.deleteExpired(projectId, cutoff);
	}
	const tails = (["user_signal_days", "user_days", "dead_letters", "queued_payloads", "conversations", "users"] as const).some(
		(t) => deleted[t] === ROWS_PER_STATEMENT,
	);
	return { deleted, done: remainingEvents === 0 && signals < ROWS_PER_STATEMENT && !tails, remainingEvents };
}
