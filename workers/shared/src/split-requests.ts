/**
 * A person's request to split an issue or an intent, for both: the API marks it, the maintenance
 * pass (workers/detect/src/issue-split.ts, intent-discovery.ts) reads the marked ones and clears
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
