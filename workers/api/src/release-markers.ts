const DAY_MS = 86_400_000;

export interface ReleaseMarker {
	kind: "model" | "prompt_version" | "release";
	value: string;
	/** When the value was first seen in the project's events. */
	at: string;
}

/**
 * Changes a chart marks: the first event of each model, `prompt_version` and `release` property
 * value, kept when that first sighting falls inside the window.
 */
export async function releaseMarkers(db: D1Database, projectId: string, fromDay: number, toDay: number): Promise<ReleaseMarker[]> {
	const { results } = await db
		.prepare(
			`SELECT kind, value, at FROM (
				SELECT 'model' AS kind, model AS value, min(timestamp) AS at FROM events WHERE project_id = ?1 AND model IS NOT NULL GROUP BY model
				UNION ALL
				SELECT 'prompt_version', CAST(json_extract(properties, '$.prompt_version') AS TEXT), min(timestamp) FROM events WHERE project_id = ?1 AND json_extract(properties, '$.prompt_version') IS NOT NULL GROUP BY 2
				UNION ALL
				SELECT 'release', CAST(json_extract(properties, '$.release') AS TEXT), min(timestamp) FROM events WHERE project_id = ?1 AND json_extract(properties, '$.release') IS NOT NULL GROUP BY 2
			) WHERE at >= ?2 AND at < ?3 ORDER BY at LIMIT 50`,
		)
		.bind(projectId, fromDay * DAY_MS, (toDay + 1) * DAY_MS)
		.all<{ kind: ReleaseMarker["kind"]; value: string; at: number }>();
	return results.map((r) => ({ kind: r.kind, value: r.value, at: new Date(r.at).toISOString() }));
}
