/** A custom_signals row: keywords are stored as a JSON list in `pattern`, a regex as its source. */
export interface CustomSignalRow {
	id: string;
	name: string;
	description: string;
	polarity: "negative" | "positive";
	field: "input" | "output" | "both";
	kind: "keywords" | "regex" | "deep_search";
	pattern: string;
	case_sensitive: number;
	created_at: number;
}

/** The project's custom signals that are not deleted, oldest first. */
export async function listCustomSignals(db: D1Database, projectId: string): Promise<CustomSignalRow[]> {
	const { results } = await db
		.prepare("SELECT * FROM custom_signals WHERE project_id = ? AND deleted_at IS NULL ORDER BY created_at")
		.bind(projectId)
		.all<CustomSignalRow>();
	return results;
}

export async function customSignalNameTaken(db: D1Database, projectId: string, name: string): Promise<boolean> {
	return (await db.prepare("SELECT 1 FROM custom_signals WHERE project_id = ? AND name = ? AND deleted_at IS NULL").bind(projectId, name).first()) !== null;
}

export async function insertCustomSignal(db: D1Database, projectId: string, row: CustomSignalRow): Promise<void> {
	await db
		.prepare(
			"INSERT INTO custom_signals (id, project_id, name, description, polarity, field, kind, pattern, case_sensitive, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		)
		.bind(row.id, projectId, row.name, row.description, row.polarity, row.field, row.kind, row.pattern, row.case_sensitive, row.created_at)
		.run();
}

/** Soft-deletes a custom signal; false when the project has no such (undeleted) signal. */
export async function deleteCustomSignal(db: D1Database, projectId: string, id: string, now: number): Promise<boolean> {
	// A saved deep search's signal: the search goes back to a draft (its labels and versions stay), so saving it again works.
	const [, deleted] = await db.batch([
		db
			.prepare(
				`UPDATE deep_searches SET saved_version = NULL, signal_name = NULL, polarity = NULL, job_id = NULL, updated_at = ?
				 WHERE project_id = ? AND id = (SELECT pattern FROM custom_signals WHERE id = ? AND project_id = ? AND kind = 'deep_search' AND deleted_at IS NULL)`,
			)
			.bind(now, projectId, id, projectId),
		db.prepare("UPDATE custom_signals SET deleted_at = ? WHERE id = ? AND project_id = ? AND deleted_at IS NULL").bind(now, id, projectId),
	]);
	return (deleted?.meta.changes ?? 0) > 0;
}
