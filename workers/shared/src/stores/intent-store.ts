import { DAY_MS } from "#core/timestamps";
import type { VectorIndex } from "#core/vector-index/vector-index";
import type { ChangedBy } from "./issue-store";
import { clearIntentLastDays, rebuildIntentLastDays } from "./last-active-days";
import { clearSplitStatement } from "./split-requests";

/**
 * How intents change, in one place: a person's rename, priority factors and merge (the api) and
 * the maintenance pass's merge of duplicates and split (the detect worker) write through here.
 * Same database style as issue-store.ts (named SQL bound with `db.prepare()`, statements for one
 * `batch()`): intent_signal_days follows event_intents through migration 0019's triggers, the
 * last-active rows through 0028's (bracketed by last-active-days.ts for a merge or a split).
 */

const FIND_INTENTS = "SELECT id FROM intents WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))";

/** Which of `ids` are intents of the project. */
export async function existingIntents(db: D1Database, projectId: string, ids: string[]): Promise<Set<string>> {
	const { results } = await db.prepare(FIND_INTENTS).bind(projectId, JSON.stringify(ids)).all<{ id: string }>();
	return new Set(results.map((r) => r.id));
}

/** Binds: project, event ids as JSON. The intent most of the events came with, and how many did. */
const MAIN_INTENT = `SELECT i.name, count(*) AS events FROM event_intents ei JOIN intents i ON i.id = ei.intent_id
	WHERE ei.project_id = ? AND ei.event_id IN (SELECT value FROM json_each(?)) GROUP BY i.id ORDER BY events DESC, i.name LIMIT 1`;

/** The name of the intent at least half of the events came with (what users were doing), if any. */
export async function mainIntentName(db: D1Database, projectId: string, eventIds: string[]): Promise<string | undefined> {
	if (eventIds.length === 0) return undefined;
	const row = await db.prepare(MAIN_INTENT).bind(projectId, JSON.stringify(eventIds)).first<{ name: string; events: number }>();
	return row && row.events * 2 >= eventIds.length ? row.name : undefined;
}

export interface IntentPatch {
	name?: string;
	achievable_delta?: number;
	strategic_relevance?: number;
}

/** Binds: name, by, achievable delta, strategic relevance, intent, project. A person's name marks it named_by them. */
const PATCH_INTENT = `UPDATE intents SET name = coalesce(?1, name), named_by = CASE WHEN ?1 IS NULL THEN named_by ELSE ?2 END,
	achievable_delta = coalesce(?3, achievable_delta), strategic_relevance = coalesce(?4, strategic_relevance)
	WHERE id = ?5 AND project_id = ?6 RETURNING id, name, achievable_delta, strategic_relevance`;

/** A person renames an intent or sets its priority factors (absent ones kept); the row as it is now, or null. */
/** What a patch answers with (RETURNING). */
export interface PatchedIntent {
	id: string;
	name: string;
	achievable_delta: number;
	strategic_relevance: number;
}

export async function patchIntent(db: D1Database, projectId: string, id: string, patch: IntentPatch, by: ChangedBy): Promise<PatchedIntent | null> {
	return db
		.prepare(PATCH_INTENT)
		.bind(patch.name ?? null, by, patch.achievable_delta ?? null, patch.strategic_relevance ?? null, id, projectId)
		.first<PatchedIntent>();
}

export interface IntentMerge {
	projectId: string;
	from: string;
	into: string;
}

const MOVE_INTENT_EVENTS = "UPDATE event_intents SET intent_id = ? WHERE intent_id = ? AND project_id = ?";
/** Sub-intents of the merged intent become the target's. */
const ADOPT_SUB_INTENTS = "UPDATE intents SET parent_id = ? WHERE parent_id = ? AND project_id = ?";
const DELETE_INTENT = "DELETE FROM intents WHERE id = ? AND project_id = ?";

/** The D1 half of an intent merge: its events (intent_signal_days follows), its sub-intents, the intent itself. */
export function mergeIntentStatements(db: D1Database, merge: IntentMerge): D1PreparedStatement[] {
	const { projectId, from, into } = merge;
	return [
		...clearIntentLastDays(db, projectId, from),
		db.prepare(MOVE_INTENT_EVENTS).bind(into, from, projectId),
		db.prepare(ADOPT_SUB_INTENTS).bind(into, from, projectId),
		db.prepare(DELETE_INTENT).bind(from, projectId),
	];
}

/**
 * Merges intent `from` into `into`, for a person and for the maintenance pass alike: the D1
 * statements in one batch, then the merged intent's centre out of the vector index (left there it
 * would stay the nearest match of its kind of inputs; if this call fails, assignment drops the
 * stale vector on its first match).
 */
export async function mergeIntents(ports: { db: D1Database; index: Pick<VectorIndex, "deleteByIds"> }, merge: IntentMerge): Promise<void> {
	await ports.db.batch(mergeIntentStatements(ports.db, merge));
	await ports.index.deleteByIds([merge.from]);
}

const SPLIT_MEMBERS = `SELECT ei.event_id, coalesce(e.input, '') AS text FROM event_intents ei
	JOIN events e ON e.project_id = ei.project_id AND e.event_id = ei.event_id
	WHERE ei.intent_id = ? ORDER BY ei.timestamp DESC LIMIT ?`;
const INTENT_NAME = "SELECT name FROM intents WHERE id = ?";

/** The latest `limit` inputs of an intent, for re-clustering it. */
export async function latestInputs(db: D1Database, intentId: string, limit: number): Promise<{ event_id: string; text: string }[]> {
	const { results } = await db.prepare(SPLIT_MEMBERS).bind(intentId, limit).all<{ event_id: string; text: string }>();
	return results;
}

/** The intent's name, or null when it is gone. */
export async function intentName(db: D1Database, intentId: string): Promise<string | null> {
	return (await db.prepare(INTENT_NAME).bind(intentId).first<{ name: string }>())?.name ?? null;
}

const INSERT_SUB_INTENT = "INSERT INTO intents (id, project_id, name, description, model, parent_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
const MOVE_INPUTS = "UPDATE event_intents SET intent_id = ? WHERE intent_id = ? AND event_id IN (SELECT value FROM json_each(?))";

export interface IntentSplit {
	intent: { id: string; project_id: string };
	/** The sub-intents, each with the inputs it takes from the split intent. */
	parts: { id: string; name: string; description: string; eventIds: string[]; createdAt: number }[];
	model: string;
}

/** The D1 half of a split (its centres go to the index first): the request cleared, each part a sub-intent with its inputs. */
export function splitIntentStatements(db: D1Database, split: IntentSplit): D1PreparedStatement[] {
	const { intent, parts, model } = split;
	return [
		clearSplitStatement(db, "intents", intent.id),
		...clearIntentLastDays(db, intent.project_id, intent.id),
		...parts.flatMap((p) => [
			db.prepare(INSERT_SUB_INTENT).bind(p.id, intent.project_id, p.name, p.description, model, intent.id, p.createdAt),
			db.prepare(MOVE_INPUTS).bind(p.id, intent.id, JSON.stringify(p.eventIds)),
		]),
		...rebuildIntentLastDays(db, intent.project_id, intent.id),
	];
}

const JOIN_INTENT = "INSERT OR IGNORE INTO event_intents (project_id, event_id, intent_id, user_id, timestamp, day) VALUES (?, ?, ?, ?, ?, ?)";
const INHERIT_INTENT = `INSERT OR IGNORE INTO event_intents (project_id, event_id, intent_id, user_id, timestamp, day)
	SELECT ?, ?, ei.intent_id, ?, ?, ? FROM events e JOIN event_intents ei ON ei.project_id = e.project_id AND ei.event_id = e.event_id
	WHERE e.project_id = ? AND e.convo_id = ? AND e.timestamp <= ? AND e.event_id != ? ORDER BY e.timestamp DESC LIMIT 1`;

export interface IntentTurn {
	projectId: string;
	eventId: string;
	userId: string;
	timestamp: number;
}

/** A user's request joins an intent; idempotent on (project, event). */
export function joinIntentStatement(db: D1Database, turn: IntentTurn, intentId: string): D1PreparedStatement {
	return db.prepare(JOIN_INTENT).bind(turn.projectId, turn.eventId, intentId, turn.userId, turn.timestamp, Math.floor(turn.timestamp / DAY_MS));
}

/** A follow-up joins the intent of the latest earlier turn of its conversation, if that turn has one. */
export function inheritIntentStatement(db: D1Database, turn: IntentTurn & { convoId: string }): D1PreparedStatement {
	const { projectId, eventId, userId, timestamp, convoId } = turn;
	return db.prepare(INHERIT_INTENT).bind(projectId, eventId, userId, timestamp, Math.floor(timestamp / DAY_MS), projectId, convoId, timestamp, eventId);
}

/** A new name and description (a rename after the inputs it quoted were deleted). */
export async function renameIntent(db: D1Database, intentId: string, name: string, description: string): Promise<void> {
	await db.prepare("UPDATE intents SET name = ?, description = ? WHERE id = ?").bind(name, description, intentId).run();
}
