import type { Marker } from "#core/api/issues";
import { DAY_MS } from "#core/timestamps";

/**
 * Changes a chart marks: the first event of each model, `prompt_version` and `release` property
 * value, kept when that first sighting falls inside the window. The values a project started with (seen first
 * at its first sighting of any value) are not changes and are left out: otherwise whether a window shows the
 * project's first model depended on where the window's edge fell. A kind the project began sending later (a
 * `release` property added in its third month) marks its first value. Read from first_seen_values (kept on
 * write by the detect worker): a range of that small table and its first row, never a scan of events.
 */
export const RELEASE_MARKERS_SQL = `SELECT f.kind, f.value, f.first_seen AS at FROM first_seen_values f
	WHERE f.project_id = ?1 AND f.first_seen >= ?2 AND f.first_seen < ?3
	AND f.first_seen > (SELECT s.first_seen FROM first_seen_values s WHERE s.project_id = ?1 ORDER BY s.first_seen LIMIT 1)
	ORDER BY f.first_seen LIMIT 50`;

export async function releaseMarkers(db: D1Database, projectId: string, fromDay: number, toDay: number): Promise<Marker[]> {
	const { results } = await db
		.prepare(RELEASE_MARKERS_SQL)
		.bind(projectId, fromDay * DAY_MS, (toDay + 1) * DAY_MS)
		.all<{ kind: Marker["kind"]; value: string; at: number }>();
	return results.map((r) => ({ kind: r.kind, value: r.value, at: new Date(r.at).toISOString() }));
}
