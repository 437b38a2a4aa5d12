import { eventFeatures, scoreFeatures } from "#core/deep-search/loop";
import type { DeepSearchModel } from "#core/deep-search/types";

/** A saved deep search as the detect worker applies it: the live version's model at its operating point. */
export interface DeepSearchSignal {
	projectId: string;
	name: string;
	negative: boolean;
	searchId: string;
	version: number;
	model: DeepSearchModel;
	threshold: number;
}

const LIVE = `SELECT cs.project_id, cs.name, cs.polarity, d.id AS search_id, d.saved_version AS version, v.threshold
	FROM custom_signals cs JOIN deep_searches d ON d.id = cs.pattern AND d.project_id = cs.project_id AND d.deleted_at IS NULL
	JOIN deep_search_versions v ON v.search_id = d.id AND v.version = d.saved_version
	WHERE cs.kind = 'deep_search' AND cs.deleted_at IS NULL AND cs.project_id IN (SELECT value FROM json_each(?))`;
const MODELS = `SELECT search_id, version, model FROM deep_search_versions WHERE (search_id || ':' || version) IN (SELECT value FROM json_each(?))`;

/** Parsed models by "search:version": a version never changes, so an isolate reads each once (~20 KB of JSON). */
const models = new Map<string, DeepSearchModel>();
const MAX_CACHED = 200;

/** The live deep-search signals of these projects, by project. */
export async function loadDeepSearchSignals(db: D1Database, projectIds: string[]): Promise<Map<string, DeepSearchSignal[]>> {
	const out = new Map<string, DeepSearchSignal[]>();
	if (projectIds.length === 0) return out;
	const { results } = await db
		.prepare(LIVE)
		.bind(JSON.stringify(projectIds))
		.all<{ project_id: string; name: string; polarity: string; search_id: string; version: number; threshold: number }>();
	const missing = results.map((r) => `${r.search_id}:${r.version}`).filter((k) => !models.has(k));
	if (missing.length) {
		const { results: rows } = await db.prepare(MODELS).bind(JSON.stringify(missing)).all<{ search_id: string; version: number; model: string }>();
		if (models.size + rows.length > MAX_CACHED) models.clear();
		for (const r of rows) models.set(`${r.search_id}:${r.version}`, JSON.parse(r.model) as DeepSearchModel);
	}
	for (const r of results) {
		const model = models.get(`${r.search_id}:${r.version}`);
		if (!model) continue;
		const list = out.get(r.project_id) ?? [];
		list.push({
			projectId: r.project_id,
			name: r.name,
			negative: r.polarity !== "positive",
			searchId: r.search_id,
			version: r.version,
			model,
			threshold: r.threshold,
		});
		out.set(r.project_id, list);
	}
	return out;
}

export interface DeepSearchMatch {
	signal: DeepSearchSignal;
	score: number;
}

/** The deep-search signals an event's vectors match, with p(match); none when the event has no vectors of the model's embedder. */
export function matchDeepSearches(
	signals: DeepSearchSignal[],
	vectors: { input?: Float32Array; output?: Float32Array },
	embedder: { model: string; dimensions: number },
): DeepSearchMatch[] {
	if (!vectors.input && !vectors.output) return [];
	const features = eventFeatures(vectors.input, vectors.output, embedder.dimensions);
	return signals.flatMap((signal) => {
		if (signal.model.embedder !== embedder.model) return [];
		const score = scoreFeatures(signal.model, features);
		return score >= signal.threshold ? [{ signal, score }] : [];
	});
}
