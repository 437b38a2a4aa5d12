import type { CandidateView, DeepSearch, DeepSearchInput } from "#core/api/deep-searches";
import {
	calibrate,
	clarify,
	DEFAULT_OPTIONS,
	definitionModel,
	definitionSide,
	matchCheck,
	nextToLabel,
	refit,
	scoreFeatures,
	withNeighbours,
} from "#core/deep-search/loop";
import { type Label, ROUND_SIZE } from "#core/deep-search/types";
import { newId } from "#core/ids";
import type { Verdict } from "#shared/adapters/workers-ai-verdict";
import { drawPool, type LoopPorts, type PoolEvent, poolEvents } from "./deep-search-pool";
import {
	advanceVersion,
	appendLabels,
	currentLabels,
	currentVersion,
	type DeepSearchRow,
	checkedVerdicts,
	insertDeepSearch,
	type ModelVersion,
	poolIds,
	recordVerdicts,
	type SavedAs,
	vectorOf,
} from "../stores/deep-search-store";

/** A refit that loses the compare-and-set to another person's refit tries again on the union of labels. */
const MAX_REFIT_TRIES = 4;

/** Refit on `labels`, with the calibration, the suggested operating point and any clarifying question. */
function fitVersion(search: { definition: string; vector: Float32Array; embedder: string }, pool: PoolEvent[], labels: Label[], version: number): ModelVersion {
	const { vector, embedder } = search;
	const options = { side: definitionSide(search.definition) };
	const byId = new Map(pool.map((p) => [p.id, p]));
	const labelled = labels.flatMap((l) => (byId.has(l.id) ? [{ ...byId.get(l.id)!, match: l.match }] : []));
	// The model learns from each label with its nearest pool events (as the offline loop does); the question reads the labels as they are.
	const fitting = withNeighbours(labelled, pool, DEFAULT_OPTIONS.neighbours);
	const model = labelled.length ? refit(vector, embedder, fitting, options) : definitionModel(vector, embedder, options);
	const calibration = calibrate(vector, embedder, fitting, options);
	return { version, model, threshold: calibration.suggested, calibration, question: clarify(vector, labelled, options), labels: labelled.length };
}

export type CreateResult = { id: string } | { unknownExamples: string[] };

/** POST /api/deep-searches: embeds the definition, draws the pool, fits on any examples, stores it all. */
export async function createDeepSearch(ports: LoopPorts, projectId: string, input: DeepSearchInput, by: string): Promise<CreateResult> {
	const [vector] = await ports.encoder.embed([input.definition]);
	const range = { from: input.from ? Date.parse(input.from) : undefined, to: input.to ? Date.parse(input.to) : undefined };
	const drawn = await drawPool(ports, projectId, input.definition, vector!, range);
	const examples = input.examples.map((e) => ({ id: e.event_id, match: e.match }));
	const pool = [...drawn, ...examples.filter((e) => !drawn.some((d) => d.eventId === e.id)).map((e) => ({ eventId: e.id, source: "label" as const }))];
	const events = await poolEvents(
		ports,
		projectId,
		pool.map((p) => p.eventId),
	);
	const present = new Set(events.map((e) => e.id));
	const unknown = examples.filter((e) => !present.has(e.id)).map((e) => e.id);
	if (unknown.length) return { unknownExamples: unknown };
	const now = Date.now();
	const first = fitVersion({ definition: input.definition, vector: vector!, embedder: ports.encoder.model }, events, examples, 1);
	const id = newId("dsr");
	await insertDeepSearch(ports.db, {
		row: {
			id,
			project_id: projectId,
			definition: input.definition,
			definition_vector: vector!,
			embedder: ports.encoder.model,
			version: 1,
			saved_version: null,
			signal_name: null,
			polarity: null,
			job_id: null,
			note: events.length ? null : "No stored event resembles this definition yet. Label events by id, or save it: it is then applied to every new event.",
			created_at: now,
			updated_at: now,
		},
		pool: pool.filter((p) => present.has(p.eventId)),
		labels: examples,
		first,
		by,
	});
	return { id };
}

export interface LabelOutcome {
	rejected: { event_id: string; reason: string }[];
}

/**
 * A round of labels: kept (appended) first, so nothing is lost whatever happens next; then the model
 * is refit on every label so far and moved forward by compare-and-set. When two people label at
 * once, the refit that loses reads the union and tries again; both sets of labels count.
 */
export async function labelRound(ports: LoopPorts, search: DeepSearchRow, labels: Label[], by: string): Promise<LabelOutcome> {
	const latest = new Map(labels.map((l) => [l.id, l]));
	const { results } = await ports.db
		.prepare("SELECT event_id FROM events WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?))")
		.bind(search.project_id, JSON.stringify([...latest.keys()]))
		.all<{ event_id: string }>();
	const present = new Set(results.map((r) => r.event_id));
	const kept = [...latest.values()].filter((l) => present.has(l.id));
	const rejected = [...latest.keys()]
		.filter((id) => !present.has(id))
		.map((event_id) => ({ event_id, reason: "no such event in this project (never stored, or deleted): the label is not kept" }));
	if (kept.length === 0) return { rejected };
	await appendLabels(ports.db, search.id, kept, by, Date.now());
	await refitSearch(ports, search, by);
	return { rejected };
}

async function refitSearch(ports: LoopPorts, search: DeepSearchRow, by: string): Promise<void> {
	const definition = vectorOf(search.definition_vector);
	let expected = search.version;
	for (let attempt = 0; attempt < MAX_REFIT_TRIES; attempt++) {
		const [ids, labels] = await Promise.all([poolIds(ports.db, search.id), currentLabels(ports.db, search.id)]);
		const pool = await poolEvents(ports, search.project_id, ids);
		const next = fitVersion({ definition: search.definition, vector: definition, embedder: search.embedder }, pool, labels, expected + 1);
		if (await advanceVersion(ports.db, search.project_id, { id: search.id, expected }, next, "refit", by, Date.now())) return;
		const row = await ports.db.prepare("SELECT version FROM deep_searches WHERE id = ?").bind(search.id).first<{ version: number }>();
		expected = row?.version ?? expected;
	}
	// Labels are stored whatever happens here; the next round refits on them.
	console.warn(`deep search ${search.id}: refit kept losing to concurrent refits; labels are kept`);
}

/** A new operating point (PATCH threshold), or saving as a signal at one: a new version with the same model. */
export async function moveOperatingPoint(
	ports: LoopPorts,
	search: DeepSearchRow,
	threshold: number | undefined,
	by: string,
	saved?: SavedAs,
): Promise<boolean> {
	const current = await currentVersion(ports.db, search.id, search.version);
	const next = { ...current, version: search.version + 1, threshold: threshold ?? current.threshold };
	return advanceVersion(
		ports.db,
		search.project_id,
		{ id: search.id, expected: search.version },
		next,
		saved ? "saved" : "operating_point",
		by,
		Date.now(),
		saved,
	);
}

/** The encoder's verdict, or the LLM's where it checked the event (its verdict and reason; the score stays the model's). */
function verdictOf(encoder: { match: boolean; score: number; reason: string }, llm: Verdict | undefined) {
	return llm ? { match: llm.match, score: encoder.score, reason: llm.reason, checked_by: "llm" as const } : { ...encoder, checked_by: "encoder" as const };
}

function candidateView(e: PoolEvent, verdict: ReturnType<typeof verdictOf>, label: boolean | undefined): CandidateView {
	return {
		event_id: e.id,
		timestamp: new Date(e.timestamp).toISOString(),
		user_id: e.userId,
		input: e.input,
		output: e.output,
		match: verdict.match,
		score: Math.round(verdict.score * 1000) / 1000,
		reason: verdict.reason,
		checked_by: verdict.checked_by,
		label: label ?? null,
	};
}

/** The pool scored by the current model, best first, with each candidate's verdict and label. */
export async function scoredPool(ports: LoopPorts, search: DeepSearchRow) {
	const [ids, labels, version] = await Promise.all([
		poolIds(ports.db, search.id),
		currentLabels(ports.db, search.id),
		currentVersion(ports.db, search.id, search.version),
	]);
	const pool = await poolEvents(ports, search.project_id, ids);
	const byLabel = new Map(labels.map((l) => [l.id, l.match]));
	const definition = vectorOf(search.definition_vector);
	const labelled = pool.filter((p) => byLabel.has(p.id)).map((p) => ({ ...p, match: byLabel.get(p.id)! }));
	const side = definitionSide(search.definition);
	const check = (e: PoolEvent) => matchCheck(version.model, version.threshold, e, { definition, labelled, side });
	return { pool, labels, byLabel, version, check, side };
}

/** GET /api/deep-searches/:id/candidates: the pool ranked by the current model. */
export async function candidatePage(ports: LoopPorts, search: DeepSearchRow, offset: number, limit: number) {
	const { pool, byLabel, version, check } = await scoredPool(ports, search);
	const ranked = pool.map((e) => ({ e, score: scoreFeatures(version.model, e.features) })).sort((a, b) => b.score - a.score || a.e.id.localeCompare(b.e.id));
	const slice = ranked.slice(offset, offset + limit).map((r) => r.e);
	const llm = await checkedVerdicts(
		ports.db,
		search.id,
		slice.map((e) => e.id),
	);
	const page = slice.map((e) => candidateView(e, verdictOf(check(e), llm.get(e.id)), byLabel.get(e.id)));
	return { data: page, next_offset: offset + limit < ranked.length ? offset + limit : null };
}

/**
 * The LLM's verdicts on a round's candidates: those it checked before are read back; with a checker
 * (production), the rest are checked now, a round (ROUND_SIZE) at a time, and kept.
 */
async function llmVerdicts(ports: LoopPorts, search: DeepSearchRow, events: PoolEvent[]): Promise<Map<string, Verdict>> {
	const known = await checkedVerdicts(
		ports.db,
		search.id,
		events.map((e) => e.id),
	);
	const todo = events.filter((e) => !known.has(e.id));
	if (!ports.checker || todo.length === 0) return known;
	const fresh = await ports.checker.check(search.definition, todo);
	if (fresh.size) await recordVerdicts(ports.db, search.id, fresh);
	return new Map([...known, ...fresh]);
}

/** The search as the API shows it: its state, calibration, question, and the next candidates to label. */
export async function deepSearchView(ports: LoopPorts, search: DeepSearchRow): Promise<DeepSearch> {
	const { pool, labels, byLabel, version, check, side } = await scoredPool(ports, search);
	const inPool = new Set(pool.map((p) => p.id));
	const next = nextToLabel(version.model, pool, new Set(byLabel.keys()), ROUND_SIZE, { side });
	const byId = new Map(pool.map((p) => [p.id, p]));
	const predicted = pool.filter((e) => scoreFeatures(version.model, e.features) >= version.threshold).length;
	const llm = await llmVerdicts(
		ports,
		search,
		next.map((id) => byId.get(id)!),
	);
	const matches = labels.filter((l) => l.match).length;
	return {
		id: search.id,
		definition: search.definition,
		state: search.saved_version ? "saved" : "draft",
		version: search.version,
		threshold: version.threshold,
		labels: {
			total: labels.length,
			matches,
			non_matches: labels.length - matches,
			without_event: labels.filter((l) => !inPool.has(l.id)).length,
		},
		pool: { size: pool.length, predicted_matches: predicted },
		calibration: version.calibration,
		question: version.question,
		next: next.map((id) => candidateView(byId.get(id)!, verdictOf(check(byId.get(id)!), llm.get(id)), undefined)),
		signal:
			search.saved_version && search.signal_name
				? { name: search.signal_name, polarity: search.polarity ?? "negative", saved_version: search.saved_version, job_id: search.job_id }
				: null,
		note: search.note,
		created_at: new Date(search.created_at).toISOString(),
		updated_at: new Date(search.updated_at).toISOString(),
	};
}
