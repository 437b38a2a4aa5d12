import { newId } from "#core/ids";
import type { JobKind, JobState } from "#core/jobs";

/** A row of `jobs` (migration 0021) as the store reads it. */
export interface JobRow {
	id: string;
	project_id: string;
	kind: JobKind;
	state: JobState;
	params: string;
	cursor: string | null;
	done: number;
	total: number | null;
	error: string | null;
	created_at: number;
	updated_at: number;
}

const COLUMNS = "id, project_id, kind, state, params, cursor, done, total, error, created_at, updated_at";
const ACTIVE_OF_KIND = `SELECT ${COLUMNS} FROM jobs WHERE project_id = ? AND kind = ? AND params = ? AND state IN ('queued', 'running') ORDER BY created_at LIMIT 1`;
const INSERT_JOB = `INSERT INTO jobs (${COLUMNS}) VALUES (?, ?, ?, 'queued', ?, NULL, 0, NULL, NULL, ?, ?) RETURNING ${COLUMNS}`;
const PROJECT_JOBS = `SELECT ${COLUMNS} FROM jobs WHERE project_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`;
const ONE_JOB = `SELECT ${COLUMNS} FROM jobs WHERE project_id = ? AND id = ?`;
/** Least recently advanced first, so one project's long job does not starve another's. */
const RUNNABLE = `SELECT ${COLUMNS} FROM jobs WHERE state IN ('queued', 'running') ORDER BY updated_at, id LIMIT ?`;
/**
 * A slice's outcome, saved only if the job is still where the slice started (same cursor and done):
 * two overlapping cron runs may slice the same job, and only one advances it (the other's work is
 * idempotent and simply redone from the saved cursor).
 */
const SAVE_SLICE = `UPDATE jobs SET state = ?, cursor = ?, done = ?, total = ?, error = ?, updated_at = ?
	WHERE id = ? AND cursor IS ? AND done = ? AND state IN ('queued', 'running') RETURNING ${COLUMNS}`;

/** The project's queued or running job of this kind and these params, or a new queued one: `created` says which. */
export async function startJob(
	db: D1Database,
	projectId: string,
	kind: JobKind,
	params: Record<string, unknown> = {},
	now = Date.now(),
): Promise<{ job: JobRow; created: boolean }> {
	const active = await db.prepare(ACTIVE_OF_KIND).bind(projectId, kind, JSON.stringify(params)).first<JobRow>();
	if (active) return { job: active, created: false };
	const job = await db.prepare(INSERT_JOB).bind(newId("job"), projectId, kind, JSON.stringify(params), now, now).first<JobRow>();
	return { job: job!, created: true };
}

export async function listJobs(db: D1Database, projectId: string, limit = 50): Promise<JobRow[]> {
	return (await db.prepare(PROJECT_JOBS).bind(projectId, limit).all<JobRow>()).results;
}

export function getJob(db: D1Database, projectId: string, id: string): Promise<JobRow | null> {
	return db.prepare(ONE_JOB).bind(projectId, id).first<JobRow>();
}

export async function runnableJobs(db: D1Database, limit: number): Promise<JobRow[]> {
	return (await db.prepare(RUNNABLE).bind(limit).all<JobRow>()).results;
}

/** Saves a slice's outcome; null when another run advanced the job first (its progress stands). */
export function saveSlice(
	db: D1Database,
	from: JobRow,
	to: { state: JobState; cursor: string | null; done: number; total: number | null; error?: string | null },
	now = Date.now(),
): Promise<JobRow | null> {
	return db
		.prepare(SAVE_SLICE)
		.bind(to.state, to.cursor, to.done, to.total, to.error ?? null, now, from.id, from.cursor, from.done)
		.first<JobRow>();
}
