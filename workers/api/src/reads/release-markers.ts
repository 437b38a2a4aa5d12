import type { Marker } from "#core/api/issues";
import { DAY_MS } from "#core/timestamps";

/**
 * Changes a chart marks: the first event of each model, `prompt_version` and `release` property
 * value, kept when that first sighting falls inside the window. Read from first_seen_values (kept
 * on write by the detect worker): a range of that small table, never a scan of events.
 */
export const RELEASE_MARKERS_SQL =
	"SELECT kind, value, first_seen AS at FROM first_seen_values WHERE project_id = ?1 AND first_seen >= ?2 AND first_seen < ?3 ORDER BY first_seen LIMIT 50";

export async function releaseMarkers(db: D1Database, projectId: string, fromDay: number, toDay: number): Promise<Marker[]> {
	const { results } = await db
		.prepare(RELEASE_MARKERS_SQL)
		.bind(projectId, fromDay * DAY_MS, (toDay + 1) * DAY_MS)
		.all<{ kind: Marker["kind"]; value: string; at: number }>();
	return results.map((r) => ({ kind: r.kind, value: r.value, at: new Date(r.at).toISOString() }));
}
