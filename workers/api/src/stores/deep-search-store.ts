import type { Calibration, ClarifyingQuestion, DeepSearchModel, Label } from "#core/deep-search/types";

/**
 * Deep searches' rows (db/schema/deep-searches.ts). Labels are appended, never overwritten, so two
 * people labelling at once both keep their labels; the current model moves by compare-and-set on
 * `version`, so two refits never overwrite each other (the loser refits again on the union).
 */

export interface DeepSearchRow {
	id: string;
	project_id: string;
	definition: string;
	definition_vector: ArrayBuffer | number[];
	embedder: string;
	version: number;
	saved_version: number | null;
	signal_name: string | null;
	polarity: "negative" | "positive" | null;
	job_id: string | null;
	note: string | null;
	created_at: number;
	updated_at: number;
}

export interface VersionRow {
	version: number;
	kind: "refit" | "operating_point" | "saved";
	model: string;
	threshold: number;
	calibration: string;
	question: string | null;
	labels: number;
	by: string;
	at: number;
}

/** What one version holds, parsed. */
export interface ModelVersion {
	version: number;
	model: DeepSearchModel;
	threshold: number;
	calibration: Calibration;
	question: ClarifyingQuestion | null;
	labels: number;
}

export const parseVersion = (row: VersionRow): ModelVersion => ({
	version: row.version,
	model: JSON.parse(row.model) as DeepSearchModel,
	threshold: row.threshold,
	calibration: JSON.parse(row.calibration) as Calibration,
	question: row.question ? (JSON.parse(row.question) as ClarifyingQuestion) : null,
	labels: row.labels,
});

export function vectorOf(raw: ArrayBuffer | number[]): Float32Array {
	if (raw instanceof ArrayBuffer) return new Float32Array(raw.slice(0));
	if (ArrayBuffer.isView(raw)) return new Float32Array((raw as unknown as Uint8Array).slice().buffer);
	return new Float32Array(Uint8Array.from(raw).buffer);
}

export async function findDeepSearch(db: D1Database, projectId: string, id: string): Promise<DeepSearchRow | null> {
	return db.prepare("SELECT * FROM deep_searches WHERE id = ? AND project_id = ? AND deleted_at IS NULL").bind(id, projectId).first<DeepSearchRow>();
}

export async function listDeepSearches(db: D1Database, projectId: string): Promise<(DeepSearchRow & { threshold: number })[]> {
	const { results } = await db
		.prepare(
			`SELECT d.*, v.threshold FROM deep_searches d JOIN deep_search_versions v ON v.search_id = d.id AND v.version = d.version
			 WHERE d.project_id = ? AND d.deleted_at IS NULL ORDER BY d.created_at DESC LIMIT 200`,
		)
		.bind(projectId)
		.all<DeepSearchRow & { threshold: number }>();
	return results;
}

export async function currentVersion(db: D1Database, searchId: string, version: number): Promise<ModelVersion> {
	const row = await db.prepare("SELECT * FROM deep_search_versions WHERE search_id = ? AND version = ?").bind(searchId, version).first<VersionRow>();
	if (!row) throw new Error(`deep search ${searchId} has no version ${version}`);
	return parseVersion(row);
}

export async function versionHistory(db: D1Database, searchId: string): Promise<VersionRow[]> {
	const { results } = await db
		.prepare(
			"SELECT version, kind, threshold, labels, by, at, '' AS model, '' AS calibration, NULL AS question FROM deep_search_versions WHERE search_id = ? ORDER BY version",
		)
		.bind(searchId)
		.all<VersionRow>();
	return results;
}

/** The pool's event ids, oldest first. */
export async function poolIds(db: D1Database, searchId: string): Promise<string[]> {
	const { results } = await db
		.prepare("SELECT event_id FROM deep_search_candidates WHERE search_id = ? ORDER BY added_at, event_id")
		.bind(searchId)
		.all<{ event_id: string }>();
	return results.map((r) => r.event_id);
}

/** Each labelled event's latest label. */
export async function currentLabels(db: D1Database, searchId: string): Promise<Label[]> {
	const { results } = await db
		.prepare(
			`SELECT l.event_id, l.match FROM deep_search_labels l
			 WHERE l.search_id = ? AND l.id = (SELECT max(id) FROM deep_search_labels m WHERE m.search_id = l.search_id AND m.event_id = l.event_id)
			 ORDER BY l.id`,
		)
		.bind(searchId)
		.all<{ event_id: string; match: number }>();
	return results.map((r) => ({ id: r.event_id, match: r.match === 1 }));
}

export interface NewSearch {
	row: Omit<DeepSearchRow, "definition_vector"> & { definition_vector: Float32Array };
	pool: { eventId: string; source: "meaning" | "text" | "both" | "label" }[];
	labels: Label[];
	first: ModelVersion;
	by: string;
}

/** A version row; `guarded`, it goes in only if the statement before it in the batch changed one row (the compare-and-set won). */
const insertVersion = (db: D1Database, searchId: string, kind: VersionRow["kind"], v: ModelVersion, by: string, at: number, guarded = false) =>
	db
		.prepare(
			`INSERT INTO deep_search_versions (search_id, version, kind, model, threshold, calibration, question, labels, by, at)
			 SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ? = 0 OR changes() = 1`,
		)
		.bind(
			searchId,
			v.version,
			kind,
			JSON.stringify(v.model),
			v.threshold,
			JSON.stringify(v.calibration),
			v.question ? JSON.stringify(v.question) : null,
			v.labels,
			by,
			at,
			guarded ? 1 : 0,
		);

const insertLabels = (db: D1Database, searchId: string, labels: Label[], by: string, at: number) =>
	db
		.prepare(
			`INSERT INTO deep_search_labels (search_id, event_id, match, labelled_by, labelled_at)
			 SELECT ?, value ->> '$.id', value ->> '$.match', ?, ? FROM json_each(?)`,
		)
		.bind(searchId, by, at, JSON.stringify(labels.map((l) => ({ id: l.id, match: l.match ? 1 : 0 }))));

const insertPool = (db: D1Database, searchId: string, pool: NewSearch["pool"], at: number) =>
	db
		.prepare(
			`INSERT OR IGNORE INTO deep_search_candidates (search_id, event_id, source, added_at)
			 SELECT ?, value ->> '$.id', value ->> '$.source', ? FROM json_each(?)`,
		)
		.bind(searchId, at, JSON.stringify(pool.map((p) => ({ id: p.eventId, source: p.source }))));

/** The search, its pool, its example labels and its first version: one transaction. */
export async function insertDeepSearch(db: D1Database, s: NewSearch): Promise<void> {
	const r = s.row;
	await db.batch([
		db
			.prepare(
				`INSERT INTO deep_searches (id, project_id, definition, definition_vector, embedder, version, note, created_at, updated_at)
				 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			)
			.bind(r.id, r.project_id, r.definition, r.definition_vector.buffer, r.embedder, r.version, r.note, r.created_at, r.updated_at),
		insertPool(db, r.id, s.pool, r.created_at),
		insertLabels(db, r.id, s.labels, s.by, r.created_at),
		insertVersion(db, r.id, "refit", s.first, s.by, r.created_at),
	]);
}

/** Appends labels (and adds their events to the pool). */
export async function appendLabels(db: D1Database, searchId: string, labels: Label[], by: string, at: number): Promise<void> {
	await db.batch([
		insertPool(
			db,
			searchId,
			labels.map((l) => ({ eventId: l.id, source: "label" as const })),
			at,
		),
		insertLabels(db, searchId, labels, by, at),
	]);
}

export interface SavedAs {
	customSignalId: string;
	description: string;
	signalName: string;
	polarity: "negative" | "positive";
	jobId: string | null;
}

/**
 * Records `next` as the search's current version if the current one is still `expected`; false
 * when someone else moved it first (the caller reads again and retries). `saved`: the version also
 * becomes the one the detect worker applies, under a custom signal of kind deep_search. An
 * operating point chosen on a saved search goes live at once.
 */
export async function advanceVersion(
	db: D1Database,
	projectId: string,
	search: { id: string; expected: number },
	next: ModelVersion,
	kind: VersionRow["kind"],
	by: string,
	at: number,
	saved?: SavedAs,
): Promise<boolean> {
	const move = db
		.prepare(
			`UPDATE deep_searches SET version = ?1, updated_at = ?2,
			 saved_version = CASE WHEN ?3 IS NOT NULL OR (saved_version IS NOT NULL AND ?6 = 'operating_point') THEN ?1 ELSE saved_version END,
			 signal_name = coalesce(?3, signal_name), polarity = coalesce(?4, polarity), job_id = coalesce(?5, job_id)
			 WHERE id = ?7 AND version = ?8`,
		)
		.bind(next.version, at, saved?.signalName ?? null, saved?.polarity ?? null, saved?.jobId ?? null, kind, search.id, search.expected);
	const statements = [move, insertVersion(db, search.id, kind, next, by, at, true)];
	if (saved)
		statements.push(
			db
				.prepare(
					`INSERT INTO custom_signals (id, project_id, name, description, polarity, field, kind, pattern, case_sensitive, created_at)
					 SELECT ?, ?, ?, substr(?, 1, 500), ?, 'both', 'deep_search', ?, 0, ?
					 WHERE NOT EXISTS (SELECT 1 FROM custom_signals WHERE project_id = ? AND kind = 'deep_search' AND pattern = ? AND deleted_at IS NULL)`,
				)
				.bind(saved.customSignalId, projectId, saved.signalName, saved.description, saved.polarity, search.id, at, projectId, search.id),
		);
	const [moved] = await db.batch(statements);
	return (moved?.meta.changes ?? 0) === 1;
}

export async function softDeleteDeepSearch(db: D1Database, projectId: string, id: string, now: number): Promise<boolean> {
	const [removed] = await db.batch([
		db.prepare("UPDATE deep_searches SET deleted_at = ? WHERE id = ? AND project_id = ? AND deleted_at IS NULL").bind(now, id, projectId),
		db
			.prepare("UPDATE custom_signals SET deleted_at = ? WHERE project_id = ? AND kind = 'deep_search' AND pattern = ? AND deleted_at IS NULL")
			.bind(now, projectId, id),
	]);
	return (removed?.meta.changes ?? 0) > 0;
}

/** The LLM match check's stored verdicts on these candidates. */
export async function checkedVerdicts(db: D1Database, searchId: string, eventIds: string[]): Promise<Map<string, { match: boolean; reason: string }>> {
	if (eventIds.length === 0) return new Map();
	const { results } = await db
		.prepare(
			`SELECT event_id, checked_match, checked_reason FROM deep_search_candidates
			 WHERE search_id = ? AND event_id IN (SELECT value FROM json_each(?)) AND checked_match IS NOT NULL`,
		)
		.bind(searchId, JSON.stringify(eventIds))
		.all<{ event_id: string; checked_match: number; checked_reason: string | null }>();
	return new Map(results.map((r) => [r.event_id, { match: r.checked_match === 1, reason: r.checked_reason ?? "" }]));
}

export async function recordVerdicts(db: D1Database, searchId: string, verdicts: Map<string, { match: boolean; reason: string }>): Promise<void> {
	await db
		.prepare(
			`UPDATE deep_search_candidates SET checked_match = v.value ->> '$.match', checked_reason = v.value ->> '$.reason'
			 FROM json_each(?) v WHERE search_id = ? AND event_id = v.value ->> '$.id'`,
		)
		.bind(JSON.stringify([...verdicts].map(([id, v]) => ({ id, match: v.match ? 1 : 0, reason: v.reason }))), searchId)
		.run();
}
