/**
 * Bulk changes to the last-active tables (migration 0028, db/schema/last-active.ts). Their triggers
 * keep them row by row; a row deleted or moved on a user's last day looks back for the previous one.
 * Moving or deleting many rows of one intent or user would look back once per row, so these clear
 * the key's rows first (the triggers then find nothing to look back for) and, for a split, rebuild
 * what stays in one pass. Each goes in the same batch as the change it brackets.
 */

const INTENT_TABLES = ["intent_user_last_days", "intent_signal_user_last_days"] as const;

/** Before an intent's events move (merge, split): its rows go; the intent they move to gets theirs from the move's triggers. */
export function clearIntentLastDays(db: D1Database, projectId: string, intentId: string): D1PreparedStatement[] {
	return INTENT_TABLES.map((t) => db.prepare(`DELETE FROM ${t} WHERE project_id = ? AND intent_id = ?`).bind(projectId, intentId));
}

/** After a split: the rows of what stayed in the intent, from its events (by the (intent, day, user) index) and signal days. */
export function rebuildIntentLastDays(db: D1Database, projectId: string, intentId: string): D1PreparedStatement[] {
	return [
		db
			.prepare(
				`INSERT INTO intent_user_last_days (project_id, intent_id, user_id, day)
					SELECT ?1, ?2, user_id, max(day) FROM event_intents WHERE intent_id = ?2 AND project_id = ?1 GROUP BY user_id
					ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day`,
			)
			.bind(projectId, intentId),
		db
			.prepare(
				`INSERT INTO intent_signal_user_last_days (project_id, intent_id, signal, user_id, day)
					SELECT ?1, ?2, signal, user_id, max(day) FROM intent_signal_days WHERE project_id = ?1 AND intent_id = ?2 GROUP BY signal, user_id
					ON CONFLICT DO UPDATE SET day = excluded.day WHERE excluded.day > day`,
			)
			.bind(projectId, intentId),
	];
}

/** Before a user's data is deleted: their rows go from every last-active table. */
export function clearUserLastDays(db: D1Database, projectId: string, userId: string): D1PreparedStatement[] {
	return ["user_last_days", "signal_user_last_days", ...INTENT_TABLES].map((t) =>
		db.prepare(`DELETE FROM ${t} WHERE project_id = ? AND user_id = ?`).bind(projectId, userId),
	);
}
