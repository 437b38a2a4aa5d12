/**
 * A person's request to split an issue or an intent, for both: the API marks it, the maintenance
 * pass (workers/detect/src/issues/issue-split.ts, intent-discovery.ts) reads the marked ones and clears
 * the mark in the batch that applies the split.
 */

/** The tables whose rows a person can ask to split (both have split_requested_at and project_id). */
export type SplitTable = "issues" | "intents";

const REQUEST_SPLIT = (table: SplitTable) => `UPDATE ${table} SET split_requested_at = ? WHERE id = ? AND project_id = ?`;
const CLEAR_SPLIT = (table: SplitTable) => `UPDATE ${table} SET split_requested_at = NULL WHERE id = ?`;

/** Marks the row for the next maintenance pass; false when there is no such row in the project. */
export async function requestSplit(db: D1Database, table: SplitTable, projectId: string, id: string, now: number): Promise<boolean> {
	const { meta } = await db.prepare(REQUEST_SPLIT(table)).bind(now, id, projectId).run();
	return meta.changes > 0;
}

/** Clears the mark: the first statement of the batch that applies the split. */
export function clearSplitStatement(db: D1Database, table: SplitTable, id: string): D1PreparedStatement {
	return db.prepare(CLEAR_SPLIT(table)).bind(id);
}

/** The rows a person asked to split, with what each split needs to know of them. */
const REQUESTED = {
	issues: "SELECT id, project_id, signal, state FROM issues WHERE split_requested_at IS NOT NULL",
	intents: "SELECT id, project_id FROM intents WHERE split_requested_at IS NOT NULL",
} satisfies Record<SplitTable, string>;

export interface RequestedSplits {
	issues: { id: string; project_id: string; signal: string; state: string };
	intents: { id: string; project_id: string };
}

/** Every row of the table a person asked to split (the maintenance pass's work list). */
export async function requestedSplits<T extends SplitTable>(db: D1Database, table: T): Promise<RequestedSplits[T][]> {
	const { results } = await db.prepare(REQUESTED[table]).all<RequestedSplits[T]>();
	return results;
}
