import { DAY_MS } from "#core/timestamps";

/**
 * Promoting waiting candidates into an issue or an intent, written once for both. Events that
 * match nothing wait as candidates (per project and signal for issues, per project for intents);
 * the detect worker clusters them and each large enough cluster becomes a new issue or intent.
 * What differs stays with each caller (workers/detect/src/issues/issue-grouping.ts, intent-discovery.ts):
 * how texts are compared and clustered, how the result is named, its history (issues only) and
 * its centre's namespace in the vector index. What is shared is the part that must be right under
 * concurrency: promotions can run at once over the same candidates (queue batches in parallel),
 * so the batch is one transaction that creates the row only while enough of its events still
 * wait, and takes only the events no other promotion took first.
 */
export interface CandidatePool {
	candidates: "issue_candidates" | "intent_candidates";
	/** The table an event joins its issue or intent in. */
	members: "issue_events" | "event_intents";
	owners: "issues" | "intents";
	/** The members' column naming the issue or intent. */
	ownerColumn: "issue_id" | "intent_id";
	/** The columns that key a pool besides event_id; project_id first. */
	scope: readonly ["project_id", ...string[]];
}

export const ISSUE_POOL = {
	candidates: "issue_candidates",
	members: "issue_events",
	owners: "issues",
	ownerColumn: "issue_id",
	scope: ["project_id", "signal"],
} as const satisfies CandidatePool;

export const INTENT_POOL = {
	candidates: "intent_candidates",
	members: "event_intents",
	owners: "intents",
	ownerColumn: "intent_id",
	scope: ["project_id"],
} as const satisfies CandidatePool;

export interface Candidate {
	event_id: string;
	text: string;
	user_id: string;
	timestamp: number;
}

const scopeWhere = (pool: CandidatePool, alias = "") => pool.scope.map((c) => `${alias}${c} = ?`).join(" AND ");
/** The candidate `c` is already a member (of an issue or intent found since it began to wait). */
const TAKEN = (pool: CandidatePool) =>
	`EXISTS (SELECT 1 FROM ${pool.members} m WHERE ${pool.scope.map((col) => `m.${col} = c.${col}`).join(" AND ")} AND m.event_id = c.event_id)`;
const WAITING = (pool: CandidatePool) =>
	`SELECT event_id, text, user_id, timestamp, ${TAKEN(pool)} AS taken FROM ${pool.candidates} c
	WHERE ${scopeWhere(pool)} ORDER BY timestamp DESC LIMIT ?`;
const DROP_TAKEN = (pool: CandidatePool) => `DELETE FROM ${pool.candidates} WHERE ${scopeWhere(pool)} AND event_id IN (SELECT value FROM json_each(?))`;
/** Binds: the row's values, scope, the event ids, minimum. */
const CREATE_WHILE_WAITING = (pool: CandidatePool, columns: string[]) =>
	`INSERT INTO ${pool.owners} (${columns.join(", ")}) SELECT ${columns.map(() => "?").join(", ")}
	WHERE (SELECT count(*) FROM ${pool.candidates} c WHERE ${scopeWhere(pool, "c.")}
		AND c.event_id IN (SELECT value FROM json_each(?)) AND NOT ${TAKEN(pool)}) >= ?`;
/** Binds: scope, event, owner, user, timestamp, day, owner, scope, event. */
const TAKE_MEMBER = (pool: CandidatePool) =>
	`INSERT OR IGNORE INTO ${pool.members} (${pool.scope.join(", ")}, event_id, ${pool.ownerColumn}, user_id, timestamp, day)
	SELECT ${pool.scope.map(() => "?").join(", ")}, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM ${pool.owners} WHERE id = ?)
	AND EXISTS (SELECT 1 FROM ${pool.candidates} WHERE ${scopeWhere(pool)} AND event_id = ?)`;
/** Binds: scope, event, owner. */
const STOP_WAITING = (pool: CandidatePool) =>
	`DELETE FROM ${pool.candidates} WHERE ${scopeWhere(pool)} AND event_id = ? AND EXISTS (SELECT 1 FROM ${pool.owners} WHERE id = ?)`;
const EXISTS_OWNER = (pool: CandidatePool) => `SELECT 1 AS ok FROM ${pool.owners} WHERE id = ?`;

/** Binds: scope, event, text, user, timestamp, scope, event. An event already in an issue or intent does not wait. */
const WAIT = (pool: CandidatePool) =>
	`INSERT OR IGNORE INTO ${pool.candidates} (${pool.scope.join(", ")}, event_id, text, user_id, timestamp)
	SELECT ${pool.scope.map(() => "?").join(", ")}, ?, ?, ?, ?
	WHERE NOT EXISTS (SELECT 1 FROM ${pool.members} WHERE ${scopeWhere(pool)} AND event_id = ?)`;
/** Longer texts are cut: clustering and naming need the gist. */
const CANDIDATE_TEXT_MAX = 2000;

/** An event that matched nothing waits in the pool (`scope`: its values, project first); idempotent on the event. */
export function waitStatement(db: D1Database, pool: CandidatePool, scope: string[], c: Candidate): D1PreparedStatement {
	return db.prepare(WAIT(pool)).bind(...scope, c.event_id, c.text.slice(0, CANDIDATE_TEXT_MAX), c.user_id, c.timestamp, ...scope, c.event_id);
}

/**
 * The newest `window` candidates still waiting in the pool (`scope`: its values, project first).
 * One that meanwhile joined an issue or intent (a redelivery matched one found since) waits no more.
 */
export async function waitingCandidates(db: D1Database, pool: CandidatePool, scope: string[], window: number): Promise<Candidate[]> {
	const { results: read } = await db
		.prepare(WAITING(pool))
		.bind(...scope, window)
		.all<Candidate & { taken: number }>();
	const taken = read.filter((r) => r.taken).map((r) => r.event_id);
	if (taken.length)
		await db
			.prepare(DROP_TAKEN(pool))
			.bind(...scope, JSON.stringify(taken))
			.run();
	return read.filter((r) => !r.taken).map(({ taken: _, ...candidate }) => candidate);
}

export interface Promotion {
	/** The new issue's or intent's row, its id included. */
	row: { id: string } & Record<string, string | number | null>;
	scope: string[];
	members: Candidate[];
	/** Fewer members still waiting than this: no row is created (another promotion took them). */
	min: number;
	/** Statements to run once the row exists (an issue's first history entry), guarded by the caller. */
	also?: D1PreparedStatement[];
}

/**
 * Creates the row and moves its members in one transaction; returns whether the row was created
 * (false: a concurrent promotion took too many of its events, and nothing was written).
 */
export async function promoteWaiting(db: D1Database, pool: CandidatePool, promotion: Promotion): Promise<boolean> {
	const { row, scope, members, min } = promotion;
	const columns = Object.keys(row);
	const waiting = JSON.stringify(members.map((m) => m.event_id));
	await db.batch([
		db.prepare(CREATE_WHILE_WAITING(pool, columns)).bind(...Object.values(row), ...scope, waiting, min),
		...(promotion.also ?? []),
		...members.flatMap((m) => [
			db.prepare(TAKE_MEMBER(pool)).bind(...scope, m.event_id, row.id, m.user_id, m.timestamp, Math.floor(m.timestamp / DAY_MS), row.id, ...scope, m.event_id),
			db.prepare(STOP_WAITING(pool)).bind(...scope, m.event_id, row.id),
		]),
	]);
	return (await db.prepare(EXISTS_OWNER(pool)).bind(row.id).first()) !== null;
}
