/** The project row, its API keys and its settings, as the api reads and changes them. */
export interface ProjectRow {
	id: string;
	name: string;
	created_at: number;
}

export interface KeyRow {
	id: string;
	kind: "write" | "read" | "admin";
	key_prefix: string;
	name: string;
	created_at: number;
	revoked_at: number | null;
}

export interface SettingsRow {
	privacy: string | null;
	retention_days: number | null;
}

export function findProject(db: D1Database, projectId: string): Promise<ProjectRow | null> {
	return db.prepare("SELECT id, name, created_at FROM projects WHERE id = ?").bind(projectId).first<ProjectRow>();
}

/** Every key of the project, revoked ones too, oldest first. */
export async function listKeys(db: D1Database, projectId: string): Promise<KeyRow[]> {
	const { results } = await db
		.prepare("SELECT id, kind, key_prefix, name, created_at, revoked_at FROM api_keys WHERE project_id = ? ORDER BY created_at")
		.bind(projectId)
		.all<KeyRow>();
	return results;
}

/** Stores a new key by its hash: the key itself is never stored. */
export async function insertKey(db: D1Database, projectId: string, row: KeyRow, keyHash: string): Promise<void> {
	await db
		.prepare("INSERT INTO api_keys (id, project_id, kind, key_hash, key_prefix, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
		.bind(row.id, projectId, row.kind, keyHash, row.key_prefix, row.name, row.created_at)
		.run();
}

/** False when the project has no such active key. */
export async function revokeKey(db: D1Database, projectId: string, keyId: string, now: number): Promise<boolean> {
	const { meta } = await db
		.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND project_id = ? AND revoked_at IS NULL")
		.bind(now, keyId, projectId)
		.run();
	return meta.changes > 0;
}

export function readSettings(db: D1Database, projectId: string): Promise<SettingsRow | null> {
	return db.prepare("SELECT privacy, retention_days FROM projects WHERE id = ?").bind(projectId).first<SettingsRow>();
}

export async function writeSettings(db: D1Database, projectId: string, settings: SettingsRow): Promise<void> {
	await db.prepare("UPDATE projects SET privacy = ?, retention_days = ? WHERE id = ?").bind(settings.privacy, settings.retention_days, projectId).run();
}
