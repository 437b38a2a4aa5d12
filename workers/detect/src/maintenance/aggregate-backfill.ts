import { DAY_MS } from "#core/timestamps";
/**
 * Fills the read aggregates of migration 0016 (first_seen_values, event_days) from events stored
 * before it, one bounded step per project per maintenance run; a cursor in aggregate_backfills
 * says where the next run goes on. Events stored since are kept on write: the first-seen min()
 * and the per-day recount (exact, and it replaces what was counted on write) make overlap harmless.
 */

/** Events read per first-seen step, and days recounted per event-days step: a few ms of D1 time each. */
export const BACKFILL_EVENTS_PER_STEP = 2_000;
export const BACKFILL_DAYS_PER_STEP = 2;

export interface BackfillStep {
	project_id: string;
	aggregate: "first_seen_values" | "event_days";
	read: number;
	done: boolean;
}

interface Cursor {
	project_id: string;
	cursor_timestamp: number | null;
	cursor_event_id: string | null;
}

async function pending(db: D1Database, aggregate: BackfillStep["aggregate"]): Promise<Cursor[]> {
	const { results } = await db
		.prepare(
			"SELECT p.id AS project_id, b.cursor_timestamp, b.cursor_event_id FROM projects p LEFT JOIN aggregate_backfills b ON b.project_id = p.id AND b.aggregate = ? WHERE b.done_at IS NULL",
		)
		.bind(aggregate)
		.all<Cursor>();
	return results;
}

function saveCursor(
	db: D1Database,
	projectId: string,
	aggregate: BackfillStep["aggregate"],
	ts: number | null,
	eventId: string | null,
	done: boolean,
): D1PreparedStatement {
	return db
		.prepare(
			`INSERT INTO aggregate_backfills (project_id, aggregate, cursor_timestamp, cursor_event_id, done_at) VALUES (?1, ?2, ?3, ?4, ?5)
			 ON CONFLICT (project_id, aggregate) DO UPDATE SET cursor_timestamp = coalesce(excluded.cursor_timestamp, cursor_timestamp), cursor_event_id = coalesce(excluded.cursor_event_id, cursor_event_id), done_at = excluded.done_at`,
		)
		.bind(projectId, aggregate, ts, eventId, done ? Date.now() : null);
}

/** Walks events in (timestamp, event_id) order from the cursor, `perStep` at a time. */
async function firstSeenStep(db: D1Database, c: Cursor, perStep: number): Promise<BackfillStep> {
	const page =
		"(SELECT event_id, timestamp, model, properties FROM events WHERE project_id = ?1 AND (timestamp, event_id) > (?2, ?3) ORDER BY timestamp, event_id LIMIT ?4)";
	const binds = [c.project_id, c.cursor_timestamp ?? -Number.MAX_SAFE_INTEGER, c.cursor_event_id ?? "", perStep] as const;
	const { results: tail } = await db
		.prepare(`SELECT event_id, timestamp, (SELECT count(*) FROM ${page}) AS n FROM ${page} ORDER BY timestamp DESC, event_id DESC LIMIT 1`)
		.bind(...binds)
		.all<{ event_id: string; timestamp: number; n: number }>();
	const last = tail[0];
	const read = last?.n ?? 0;
	const upsert = "ON CONFLICT (project_id, kind, value) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen)";
	const fill = (kind: string, expr: string) =>
		db
			.prepare(
				`INSERT INTO first_seen_values (project_id, kind, value, first_seen) SELECT ?1, '${kind}', ${expr}, min(timestamp) FROM ${page} WHERE ${expr} IS NOT NULL GROUP BY 3 ${upsert}`,
			)
			.bind(...binds);
	const done = read < perStep;
	await db.batch([
		fill("model", "model"),
		fill("prompt_version", "CAST(json_extract(properties, '$.prompt_version') AS TEXT)"),
		fill("release", "CAST(json_extract(properties, '$.release') AS TEXT)"),
		saveCursor(db, c.project_id, "first_seen_values", last?.timestamp ?? null, last?.event_id ?? null, done),
	]);
	return { project_id: c.project_id, aggregate: "first_seen_values", read, done };
}

/** Recounts the next `days` days that have events (cursor_timestamp: the next day to look at), up to today. */
async function eventDaysStep(db: D1Database, c: Cursor, days: number, now: number): Promise<BackfillStep> {
	let day = c.cursor_timestamp ?? -Math.floor(Number.MAX_SAFE_INTEGER / DAY_MS);
	const today = Math.floor(now / DAY_MS);
	let read = 0;
	for (let k = 0; k < days && day <= today; k++) {
		// The next day with an event, by one seek on (project, timestamp).
		const next = await db
			.prepare("SELECT timestamp FROM events WHERE project_id = ? AND timestamp >= ? ORDER BY timestamp LIMIT 1")
			.bind(c.project_id, day * DAY_MS)
			.first<{ timestamp: number }>();
		if (!next) {
			day = today + 1;
			break;
		}
		day = Math.floor(next.timestamp / DAY_MS);
		const { meta } = await db
			.prepare(
				`INSERT INTO event_days (project_id, day, events) SELECT ?1, ?2, count(*) FROM events WHERE project_id = ?1 AND timestamp >= ?3 AND timestamp < ?4
				 ON CONFLICT (project_id, day) DO UPDATE SET events = excluded.events`,
			)
			.bind(c.project_id, day, day * DAY_MS, (day + 1) * DAY_MS)
			.run();
		read += meta.rows_read ?? 0;
		day++;
	}
	const done = day > today;
	await saveCursor(db, c.project_id, "event_days", day, null, done).run();
	return { project_id: c.project_id, aggregate: "event_days", read, done };
}

/** One bounded step of each unfinished backfill, per project. */
export async function backfillAggregates(
	db: D1Database,
	now = Date.now(),
	perStep = { events: BACKFILL_EVENTS_PER_STEP, days: BACKFILL_DAYS_PER_STEP },
): Promise<BackfillStep[]> {
	const steps: BackfillStep[] = [];
	for (const c of await pending(db, "first_seen_values")) steps.push(await firstSeenStep(db, c, perStep.events));
	for (const c of await pending(db, "event_days")) steps.push(await eventDaysStep(db, c, perStep.days, now));
	return steps;
}
