/** A dead_letters row: the message body as it was received (JSON text, or not even that). */
export interface DeadLetterRow {
	id: string;
	queue: string;
	body: string;
	reason: string;
	attempts: number;
	received_at: number;
}

/** A page of the project's dead letters, newest first, after a (received_at, id) cursor; reads limit + 1 to tell if more follow. */
export async function listDeadLetters(
	db: D1Database,
	projectId: string,
	limit: number,
	after?: { timestamp: number; eventId: string },
): Promise<DeadLetterRow[]> {
	const stmt = after
		? db
				.prepare(
					"SELECT id, queue, body, reason, attempts, received_at FROM dead_letters WHERE project_id = ? AND (received_at < ? OR (received_at = ? AND id < ?)) ORDER BY received_at DESC, id DESC LIMIT ?",
				)
				.bind(projectId, after.timestamp, after.timestamp, after.eventId, limit + 1)
		: db
				.prepare("SELECT id, queue, body, reason, attempts, received_at FROM dead_letters WHERE project_id = ? ORDER BY received_at DESC, id DESC LIMIT ?")
				.bind(projectId, limit + 1);
	const { results } = await stmt.all<DeadLetterRow>();
	return results;
}

/** The project's dead letters among `ids` (at most ~90: D1 binds at most 100 parameters); others' ids are not found. */
export async function deadLettersByIds(db: D1Database, projectId: string, ids: string[]): Promise<Pick<DeadLetterRow, "id" | "body">[]> {
	const { results } = await db
		.prepare(`SELECT id, body FROM dead_letters WHERE project_id = ? AND id IN (${ids.map(() => "?").join(", ")})`)
		.bind(projectId, ...ids)
		.all<Pick<DeadLetterRow, "id" | "body">>();
	return results;
}

/** The project's oldest dead letters, at most `limit`. */
export async function oldestDeadLetters(db: D1Database, projectId: string, limit: number): Promise<Pick<DeadLetterRow, "id" | "body">[]> {
	const { results } = await db
		.prepare("SELECT id, body FROM dead_letters WHERE project_id = ? ORDER BY received_at, id LIMIT ?")
		.bind(projectId, limit)
		.all<Pick<DeadLetterRow, "id" | "body">>();
	return results;
}

export async function deleteDeadLetters(db: D1Database, projectId: string, ids: string[]): Promise<void> {
	await db
		.prepare(`DELETE FROM dead_letters WHERE project_id = ? AND id IN (${ids.map(() => "?").join(", ")})`)
		.bind(projectId, ...ids)
		.run();
}

export async function countDeadLetters(db: D1Database, projectId: string): Promise<number> {
	const row = await db.prepare("SELECT count(*) AS n FROM dead_letters WHERE project_id = ?").bind(projectId).first<{ n: number }>();
	return row?.n ?? 0;
}
