/**
 * Deep search's loop, pure (Node, workerd, the browser): a definition in words becomes a linear
 * model over eventFeatures; a few labels refit it; the loop asks for the labels that teach it
 * most, checks itself by cross-validation, and asks a question when the labels contradict the
 * definition. Vectors are the embedder's unit sentence vectors; nothing here embeds.
 */
import { curve, folds } from "./calibration";
import { cosineFeatures, definitionSimilarity, sideDot, withNeighbours } from "./event-vectors";
import { fitKernelLogistic, sigmoid } from "./kernel-logistic";
import { DEFAULT_OPTIONS, type DefinitionSide, type LoopOptions, SIDE_WEIGHTS } from "./loop-options";
import { type Candidate, type Calibration, type ClarifyingQuestion, type DeepSearchModel, type Label, type MatchVerdict, ROUND_SIZE } from "./types";

export { DEFAULT_THRESHOLD } from "./calibration";
export { cosineFeatures, definitionSimilarity, eventFeatures, withNeighbours } from "./event-vectors";
export { DEFAULT_OPTIONS, type DefinitionSide, definitionSide, type LoopOptions } from "./loop-options";

/** The definition alone: p = sigmoid(priorScale · (cosine with the definition on its side − definitionCosine)). */
export function definitionModel(definition: Float32Array, embedder: string, options: Partial<LoopOptions> = {}): DeepSearchModel {
	return refit(definition, embedder, [], options);
}

/**
 * L2-regularised logistic regression pulled toward the definition's prior: the weights are the
 * definition on each side (scaled, each scale held near its prior) plus what the labels add
 * (penalised). Every label counts once: weighting the classes to count equally was tried and
 * measured worse (docs/quality.md), as the loop's labels are near balanced anyway. Deterministic.
 * Callers with a pool pass the labels through withNeighbours first (runLoop and the API do), and
 * the same to calibrate: the labels then teach their neighbourhoods (docs/quality.md).
 */
export function refit(
	definition: Float32Array,
	embedder: string,
	labelled: { features: Float32Array; match: boolean }[],
	options: Partial<LoopOptions> = {},
): DeepSearchModel {
	const o = { ...DEFAULT_OPTIONS, ...options };
	const dims = definition.length;
	const [wIn, wOut] = SIDE_WEIGHTS[o.side];
	// What the labels add costs more on the side the definition is not about (scale < 1 there).
	const scale: [number, number] = o.side === "input" ? [1, o.offSide] : o.side === "output" ? [o.offSide, 1] : [1, 1];
	const fit = fitKernelLogistic({
		prior: labelled.map((l) => [sideDot(definition, l.features, 0), sideDot(definition, l.features, dims)]),
		kernel: labelled.map((a) =>
			labelled.map((b) => scale[0] * sideDot(a.features.subarray(0, dims), b.features, 0) + scale[1] * sideDot(a.features.subarray(dims), b.features, dims)),
		),
		y: labelled.map((l) => (l.match ? 1 : 0)),
		weights: labelled.map(() => 1),
		priorTarget: [o.priorScale * wIn, o.priorScale * wOut],
		priorPull: o.priorPull,
		l2: o.l2,
		biasTarget: -o.priorScale * o.definitionCosine,
		biasPull: o.biasPull,
	});
	const weights = new Float64Array(2 * dims);
	for (let d = 0; d < dims; d++) {
		weights[d] = fit.priorCoef[0]! * definition[d]!;
		weights[dims + d] = fit.priorCoef[1]! * definition[d]!;
	}
	labelled.forEach((l, j) => {
		const b = fit.beta[j]!;
		for (let d = 0; d < 2 * dims; d++) weights[d]! += b * scale[d < dims ? 0 : 1] * l.features[d]!;
	});
	return { embedder, weights: Array.from(weights, (w) => Math.round(w * 1e6) / 1e6), bias: Math.round(fit.bias * 1e6) / 1e6, labels: labelled.length };
}

/** p(match), 0..1. */
export function scoreFeatures(model: DeepSearchModel, features: Float32Array): number {
	if (model.weights.length !== features.length) throw new Error(`deep search model expects ${model.weights.length} features, got ${features.length}`);
	let z = model.bias;
	for (let i = 0; i < features.length; i++) z += model.weights[i]! * features[i]!;
	return sigmoid(z);
}

/**
 * Cross-validated precision and recall per threshold (k-fold, k = min(5, labels), folds dealt
 * deterministically per class), with 90% Wilson intervals; suggested = half the best F1 (curve). No labels: every
 * point is 0 with [0, 1] intervals and DEFAULT_THRESHOLD is suggested; labels all of one class:
 * the points are read as they come (precision or recall 0 where undefined), DEFAULT_THRESHOLD is suggested.
 */
export function calibrate(
	definition: Float32Array,
	embedder: string,
	labelled: { features: Float32Array; match: boolean }[],
	options: Partial<LoopOptions> = {},
): Calibration {
	const k = Math.min(5, labelled.length);
	const fold = folds(
		labelled.map((l) => l.match),
		k,
	);
	const scored: { score: number; match: boolean }[] = [];
	for (let f = 0; f < k; f++) {
		const model = refit(
			definition,
			embedder,
			labelled.filter((_, i) => fold[i] !== f),
			options,
		);
		labelled.forEach((l, i) => {
			if (fold[i] === f) scored.push({ score: scoreFeatures(model, l.features), match: l.match });
		});
	}
	return curve(scored);
}

/**
 * The k candidates a label would teach most: the most uncertain (p nearest 0.5), each one's
 * similarity to those already picked this round taken off, so one round does not ask five times
 * about the same thing. Ties go to the smaller id, so the same pool gives the same picks.
 */
export function nextToLabel(
	model: DeepSearchModel,
	pool: Candidate[],
	labelled: ReadonlySet<string>,
	k = ROUND_SIZE,
	options: Partial<LoopOptions> = {},
): string[] {
	const { diversity } = { ...DEFAULT_OPTIONS, ...options };
	const open = pool
		.filter((c) => !labelled.has(c.id))
		.map((c) => ({ c, u: 1 - Math.abs(2 * scoreFeatures(model, c.features) - 1) }))
		.sort((a, b) => b.u - a.u || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0))
		.slice(0, Math.max(50, 10 * k));
	return pickDiverse(
		open.map((o) => ({ c: o.c, value: o.u })),
		k,
		diversity,
	);
}

/** Greedy: the highest value minus `diversity` x the highest cosine to a candidate already picked. */
function pickDiverse(scored: { c: Candidate; value: number }[], k: number, diversity: number, already: Candidate[] = []): string[] {
	const chosen = [...already];
	const maxSim = scored.map((s) => Math.max(0, ...already.map((a) => cosineFeatures(a.features, s.c.features))));
	const picked: string[] = [];
	const left = new Set(scored.map((_, i) => i));
	while (picked.length < k && left.size) {
		let best = -1,
			bestValue = -Infinity;
		for (const i of left) {
			const v = scored[i]!.value - diversity * maxSim[i]!;
			if (v > bestValue) [best, bestValue] = [i, v];
		}
		const c = scored[best]!.c;
		left.delete(best);
		picked.push(c.id);
		chosen.push(c);
		for (const i of left) maxSim[i] = Math.max(maxSim[i]!, cosineFeatures(c.features, scored[i]!.c.features));
	}
	return picked;
}

/**
 * When the labels contradict the definition: the labelled match the definition reads least like
 * (below its own match point) and the labelled non-match it reads most like (above it). Null when
 * no such pair exists, so a question is only asked about a real disagreement.
 */
export function clarify(definition: Float32Array, labelled: (Candidate & { match: boolean })[], options: Partial<LoopOptions> = {}): ClarifyingQuestion | null {
	const o = { ...DEFAULT_OPTIONS, ...options };
	const sims = labelled.map((l) => ({ l, sim: definitionSimilarity(definition, l.features, o.side) }));
	const byId = (a: { l: Candidate }, b: { l: Candidate }) => (a.l.id < b.l.id ? -1 : a.l.id > b.l.id ? 1 : 0);
	const match = sims.filter((s) => s.l.match && s.sim < o.definitionCosine).sort((a, b) => a.sim - b.sim || byId(a, b))[0];
	const nonMatch = sims.filter((s) => !s.l.match && s.sim >= o.definitionCosine).sort((a, b) => b.sim - a.sim || byId(a, b))[0];
	if (!match || !nonMatch) return null;
	return {
		question: `The definition reads more like "${clip(nonMatch.l.text)}" (labelled not a match) than like "${clip(match.l.text)}" (labelled a match). What makes the first one not a match? Saying it in the definition would help.`,
		match_id: match.l.id,
		non_match_id: nonMatch.l.id,
	};
}

/**
 * The offline match check: the model's verdict at `threshold` and one line on why, from the
 * candidate's similarity to the definition and to the nearest labelled match and non-match.
 */
export function matchCheck(
	model: DeepSearchModel,
	threshold: number,
	candidate: Candidate,
	context: { definition: Float32Array; labelled: (Candidate & { match: boolean })[]; side?: DefinitionSide },
): MatchVerdict {
	const score = scoreFeatures(model, candidate.features);
	const match = score >= threshold;
	const toDefinition = definitionSimilarity(context.definition, candidate.features, context.side ?? DEFAULT_OPTIONS.side);
	const nearest = (m: boolean) =>
		context.labelled
			.filter((l) => l.match === m && l.id !== candidate.id)
			.map((l) => cosineFeatures(l.features, candidate.features))
			.reduce((a, b) => Math.max(a, b), -Infinity);
	const [toMatch, toNonMatch] = [nearest(true), nearest(false)];
	const parts = [`${toDefinition >= DEFAULT_OPTIONS.definitionCosine ? "close to" : "far from"} the definition (${toDefinition.toFixed(2)})`];
	if (Number.isFinite(toMatch) || Number.isFinite(toNonMatch)) {
		parts.push(toMatch >= toNonMatch ? `nearest a labelled match (${toMatch.toFixed(2)})` : `nearest a labelled non-match (${toNonMatch.toFixed(2)})`);
	}
	return { match, score, reason: `${match ? "match" : "no match"} (p=${score.toFixed(2)}, threshold ${threshold.toFixed(2)}): ${parts.join(", ")}` };
}

export interface LoopResult {
	model: DeepSearchModel;
	threshold: number;
	calibration: Calibration;
	labelled: Label[];
	scores: Map<string, number>;
	questions: ClarifyingQuestion[];
}

/**
 * The whole loop offline (CLI, eval): seed labels, then a first round of the candidates the
 * definition ranks highest plus diverse ones, then rounds of nextToLabel until `budget` answers
 * were given (while no match has been labelled, rounds spread over the whole pool instead). The oracle answers undefined for an event it has no label for: that one is skipped
 * and costs nothing. A clarifying question is collected after each round it fires in (once per pair).
 */
export function runLoop(opts: {
	definition: Float32Array;
	embedder: string;
	pool: Candidate[];
	oracle: (id: string) => boolean | undefined;
	budget: number;
	roundSize?: number;
	seedLabels?: Label[];
	options?: Partial<LoopOptions>;
}): LoopResult {
	const { definition, embedder, pool, oracle, budget, roundSize = ROUND_SIZE, options = {} } = opts;
	const byId = new Map(pool.map((c) => [c.id, c]));
	const labels = new Map<string, boolean>();
	for (const l of opts.seedLabels ?? []) if (byId.has(l.id)) labels.set(l.id, l.match);
	const asked = new Set(labels.keys());
	const training = () => [...labels].map(([id, match]) => ({ ...byId.get(id)!, match }));
	// What refit and calibrate see: each label's features with its pool neighbours' (computed once per label).
	const neighbours = options.neighbours ?? DEFAULT_OPTIONS.neighbours;
	const smoothed = new Map<string, Float32Array>();
	const fitting = () => {
		const all = training();
		for (const l of withNeighbours(
			all.filter((l) => !smoothed.has(l.id)),
			pool,
			neighbours,
		))
			smoothed.set(l.id, l.features);
		return all.map((l) => ({ ...l, features: smoothed.get(l.id)! }));
	};
	const questions: ClarifyingQuestion[] = [];
	let spent = 0;
	let model = refit(definition, embedder, fitting(), options);
	for (let round = 0; spent < budget; round++) {
		const want = Math.min(roundSize, budget - spent);
		const ids =
			round === 0 && labels.size === 0
				? firstRound(model, pool, want, options)
				: ![...labels.values()].some(Boolean)
					? explore(pool, asked, want)
					: nextToLabel(model, pool, asked, want, options);
		if (!ids.length) break;
		const before = spent;
		for (const id of ids) {
			asked.add(id);
			const answer = oracle(id);
			if (answer === undefined) continue;
			labels.set(id, answer);
			spent++;
		}
		// A round the oracle could answer none of teaches nothing: the model stays as it was.
		if (spent === before) continue;
		model = refit(definition, embedder, fitting(), options);
		const q = clarify(definition, training(), options);
		if (q && !questions.some((p) => p.match_id === q.match_id && p.non_match_id === q.non_match_id)) questions.push(q);
	}
	const calibration = calibrate(definition, embedder, fitting(), options);
	const scores = new Map(pool.map((c) => [c.id, scoreFeatures(model, c.features)]));
	return {
		model,
		threshold: calibration.suggested,
		calibration,
		labelled: [...labels].map(([id, match]) => ({ id, match })),
		scores,
		questions,
	};
}

/** The first round: the candidates the definition alone ranks highest, and diverse ones from its top fifth. */
function firstRound(model: DeepSearchModel, pool: Candidate[], k: number, options: Partial<LoopOptions>): string[] {
	const ranked = pool
		.map((c) => ({ c, value: scoreFeatures(model, c.features) }))
		.sort((a, b) => b.value - a.value || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
	const top = ranked.slice(0, Math.ceil(k / 2));
	const rest = ranked.slice(top.length, Math.max(top.length + k, Math.ceil(pool.length / 5)));
	const diverse = pickDiverse(
		rest.map((r) => ({ c: r.c, value: 0 })),
		k - top.length,
		options.diversity ?? DEFAULT_OPTIONS.diversity,
		top.map((t) => t.c),
	);
	return [...top.map((t) => t.c.id), ...diverse];
}

/**
 * No match among the labels yet: the definition and the model both point at the wrong events, so
 * the next round spreads over the whole pool (farthest from everything asked), finding matches at
 * about their share of the traffic instead of asking again near the definition.
 */
function explore(pool: Candidate[], asked: ReadonlySet<string>, k: number): string[] {
	const known = pool.filter((c) => asked.has(c.id));
	const open = pool.filter((c) => !asked.has(c.id)).map((c) => ({ c, value: 0 }));
	return pickDiverse(open, k, 1, known);
}

const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);
