// `npm run train`: fits the per-signal logistic models over [sentence vector ⊕ cue features]
// (see core/detection/model-features.ts) on the tune part of ../shared/eval (never toxicchat,
// never report rows).
// Thresholds are chosen on out-of-fold scores (4 folds). Writes core/detection/models.generated.ts.
import { writeFileSync } from "node:fs";
import { type DetectorModels, MODEL_SPECS, type ModelName } from "#core/detection/detector";
import { NGRAM_BUCKETS } from "#core/detection/hashed-ngrams";
import { LEXICAL_RULES } from "#core/detection/lexical-rules";
import { predict, trainLogistic } from "#core/detection/linear-model";
import { type ModelSpec, modelFeatures, textEnds } from "#core/detection/model-features";
import { defaultEmbedder } from "#core/embedding/default-embedder";
import { useLiteEmbedder } from "#core/embedding/use-lite-node";
import { CachedEmbedder } from "../eval/embedding-cache";
import { type Example, fnv1a, trainingSets } from "../eval/datasets";

const embedder = new CachedEmbedder(await useLiteEmbedder());
const glove = defaultEmbedder();
/**
 * Thresholds are calibrated on held-out rows of the signal's own kind of text (easy negatives
 * from other sources would make any threshold look precise), plus plain requests where the
 * signal reads user input, since those are most of real traffic.
 */
const CALIBRATION_SOURCES: Record<ModelName, string[] | undefined> = {
	refusal: ["xstest_completions"],
	win: ["goemotions"],
	user_frustration: ["uss_sgd", "uss_redial"],
	user_frustration_anger: ["goemotions"],
	// Plain requests are most of real traffic: the threshold must hold on them too.
	nsfw: ["moderation", "xstest", "forbidden_questions", "jbb_goals", "clinc150", "banking77", "snips"],
	// Prompts that look like jailbreaks (long instructions, personas, harmful asks), not plain requests
	// and Reddit comments, which any threshold separates.
	jailbreak: ["jailbreak_llms", "jbb_attacks", "own_benign_instructions", "xstest", "forbidden_questions", "moderation"],
};
/**
 * Alerts page people: thresholds maximise F-beta with beta 0.5, weighting precision over recall.
 * Refusal and dissatisfaction are the signals issues are mostly made of, where a missed partial
 * refusal or correction hides an issue as surely as a false one invents it: F1 for them.
 */
const BETA: Record<ModelName, number> = { refusal: 1, user_frustration: 1, user_frustration_anger: 0.5, jailbreak: 0.5, nsfw: 0.5, win: 0.5 };
/** Sources left out of training, for experiments (`TRAIN_DROP=jbb,goemotions npm run train`). */
const DROP = new Set((process.env.TRAIN_DROP ?? "").split(",").filter(Boolean));
/** Sources that count more in training, for experiments (`TRAIN_UPWEIGHT=xstest_completions:3`). */
const UPWEIGHT = new Map(
	(process.env.TRAIN_UPWEIGHT ?? "")
		.split(",")
		.filter(Boolean)
		.map((kv) => [kv.split(":")[0]!, Number(kv.split(":")[1])]),
);

/** The threshold that maximises weighted F-beta of the cascade: a row is detected if a rule fires or the score reaches t. */
function bestThreshold(scores: number[], rows: Example[], ruleHits: boolean[], beta: number) {
	let best = { threshold: 0.5, f: -1, precision: 0, recall: 0 };
	for (let t = 0.05; t < 1; t += 0.01) {
		let tp = 0,
			fp = 0,
			fn = 0;
		scores.forEach((s, i) => {
			const hit = ruleHits[i] || s >= t;
			const w = rows[i]!.weight ?? 1;
			if (hit && rows[i]!.label === 1) tp += w;
			else if (hit) fp += w;
			else if (rows[i]!.label === 1) fn += w;
		});
		const p = tp / Math.max(1e-9, tp + fp),
			r = tp / Math.max(1e-9, tp + fn);
		const f = p + r === 0 ? 0 : ((1 + beta ** 2) * p * r) / (beta ** 2 * p + r);
		if (f > best.f) best = { threshold: Math.round(t * 100) / 100, f, precision: p, recall: r };
	}
	return best;
}

/** Folds for out-of-fold calibration scores: every tune row is scored by a model that did not see it. */
const FOLDS = 4;
/**
 * The share of positives a model meets in real traffic, where it differs from its training data:
 * jailbreak attempts are a few percent of real prompts, against ~40% of the calibration rows, so
 * negatives are weighted up to that prior before the threshold is chosen (a threshold that looks
 * precise on balanced data fires too often on real traffic).
 */
const TRAFFIC_PRIOR: Partial<Record<ModelName, number>> = { jailbreak: 0.05 };
const models: DetectorModels = {};
/** TRAIN_ONLY=refusal: fit and report one model (an experiment); nothing is written. */
const ONLY = process.env.TRAIN_ONLY;
for (const [name, examples] of Object.entries(trainingSets("tune"))) {
	const modelName = name as ModelName;
	if (ONLY && ONLY !== modelName) continue;
	const { signal, ...defaults } = MODEL_SPECS[modelName];
	// TRAIN_SPECS='{"refusal":{"ends":false}}' tries other feature sets (docs/quality.md lists what was tried).
	const spec: ModelSpec = { ...defaults, ...(JSON.parse(process.env.TRAIN_SPECS ?? "{}")[modelName] ?? {}) };
	// One row per text and context: the same words after another reply are another example.
	const key = (e: Example) => `${e.text}\u0000${e.context?.previousReply ?? ""}`;
	const rows = [...new Map(examples.filter((e) => e.text.trim() && !DROP.has(e.source)).map((e) => [key(e), e])).values()];
	const texts = rows
		.flatMap((e) => [
			e.text,
			...(spec.ends ? textEnds(e.text) : []),
			e.context?.previousReply,
			e.context?.previousRequest,
			spec.request ? e.context?.request : undefined,
		])
		.filter((t): t is string => !!t?.trim());
	const vectors = await embedder.embed(texts);
	const byText = new Map(texts.map((t, i) => [t, vectors[i]!]));
	const zero = new Float32Array(embedder.dimensions);
	const features = rows.map((e) =>
		modelFeatures(
			spec,
			e.text,
			(t) => byText.get(t) ?? zero,
			e.context,
			(t) => glove.embedOne(t),
		),
	);
	const ngrams = !!spec.ngrams;
	const fit = (idx: number[]) => {
		const trained = trainLogistic(
			idx.map((i) => features[i]!),
			idx.map((i) => rows[i]!.label),
			ngrams ? NGRAM_BUCKETS : 0,
			{
				sampleWeights: idx.map((i) => (rows[i]!.weight ?? 1) * (UPWEIGHT.get(rows[i]!.source) ?? 1)),
				...(process.env.TRAIN_L2 ? { l2: Number(process.env.TRAIN_L2) } : {}),
			},
		);
		return { weights: trained.weights, ngramWeights: ngrams ? trained.ngramWeights : [], bias: trained.bias };
	};
	// Out-of-fold scores for every row, then the threshold on the rows of the model's own kind of text.
	const fold = rows.map((e) => fnv1a(`fold:${key(e)}`) % FOLDS);
	const oof = new Array<number>(rows.length);
	for (let f = 0; f < FOLDS; f++) {
		const held = rows.map((_, i) => i).filter((i) => fold[i] === f);
		const model = fit(rows.map((_, i) => i).filter((i) => fold[i] !== f));
		for (const i of held) oof[i] = predict(model, features[i]!);
	}
	const inDomain = CALIBRATION_SOURCES[modelName];
	const calibIdx = rows.map((_, i) => i).filter((i) => !inDomain || inDomain.includes(rows[i]!.source));
	const prior = TRAFFIC_PRIOR[modelName];
	const positives = calibIdx.filter((i) => rows[i]!.label === 1).length;
	const negativeWeight = prior ? (positives / Math.max(1, calibIdx.length - positives)) * ((1 - prior) / prior) : 1;
	const calib = calibIdx.map((i) => (prior && rows[i]!.label === 0 ? { ...rows[i]!, weight: (rows[i]!.weight ?? 1) * negativeWeight } : rows[i]!));
	const scores = calibIdx.map((i) => oof[i]!);
	const rules = LEXICAL_RULES.filter((r) => r.signal === signal).flatMap((r) => r.patterns.map((p) => ({ p, within: r.within })));
	const ruleHits = calib.map((e) => rules.some(({ p, within }) => p.test(within ? e.text.slice(0, within) : e.text)));
	const best = bestThreshold(scores, calib, ruleHits, BETA[modelName]);
	// The uncertain band starts where 95% of the calibration positives still score: below it the
	// LLM check would rarely find anything; above the threshold it is not needed.
	const positiveScores = scores.filter((_, i) => calib[i]!.label === 1).sort((a, b) => a - b);
	const p05 = positiveScores[Math.floor(positiveScores.length * 0.05)] ?? best.threshold;
	// Never wider than 0.5 below the threshold, so a weak model cannot send most traffic to the LLM.
	const uncertainFrom = Math.round(Math.min(best.threshold, Math.max(0.05, best.threshold - 0.5, Math.floor(p05 * 100) / 100)) * 100) / 100;
	// The shipped model learns from every tune row; its threshold is the out-of-fold one.
	models[modelName] = { signal, embedder: embedder.model, spec, ...fit(rows.map((_, i) => i)), threshold: best.threshold, uncertainFrom };
	const f1 = (2 * best.precision * best.recall) / Math.max(1e-9, best.precision + best.recall);
	// Out-of-fold F1 on the long texts (past the encoder's 256 pieces), where a bag of words may still add.
	const long = calibIdx.filter((i) => rows[i]!.text.length > 1500);
	if (long.some((i) => rows[i]!.label === 1) && long.some((i) => rows[i]!.label === 0)) {
		const l = bestThreshold(
			long.map((i) => (oof[i]! >= best.threshold ? 1 : 0)),
			long.map((i) => rows[i]!),
			long.map(() => false),
			1,
		);
		console.log(
			`  texts over 1,500 characters (${long.length}): out-of-fold F1 ${((2 * l.precision * l.recall) / Math.max(1e-9, l.precision + l.recall)).toFixed(3)} at the threshold`,
		);
	}
	// Out-of-fold F1 at that threshold on every other source with both labels: a secondary measure.
	for (const source of new Set(rows.map((e) => e.source))) {
		if (inDomain?.includes(source)) continue;
		const idx = rows.map((_, i) => i).filter((i) => rows[i]!.source === source);
		if (!idx.some((i) => rows[i]!.label === 1) || !idx.some((i) => rows[i]!.label === 0)) continue;
		const other = bestThreshold(
			idx.map((i) => (oof[i]! >= best.threshold ? 1 : 0)),
			idx.map((i) => ({ ...rows[i]!, weight: 1 })),
			idx.map(() => false),
			1,
		);
		console.log(
			`  ${source}: out-of-fold F1 ${((2 * other.precision * other.recall) / Math.max(1e-9, other.precision + other.recall)).toFixed(3)} at the threshold`,
		);
	}
	console.log(
		`${modelName.padEnd(22)} out-of-fold F1 ${f1.toFixed(3)} on ${calib.length} rows (${calib.filter((e) => e.label).length} pos) of ${rows.length}: threshold ${best.threshold} (uncertain from ${uncertainFrom})  P ${best.precision.toFixed(3)} R ${best.recall.toFixed(3)}`,
	);
}

if (!ONLY)
	writeFileSync(
		"core/detection/models.generated.ts",
		`// Generated by scripts/train-detectors.ts (npm run train) from the tune part of ../shared/eval. Do not edit.\n` +
			`import type { DetectorModels } from "./detector";\n\nexport const DETECTOR_MODELS: DetectorModels = ${JSON.stringify(models)};\n`,
	);
if (!ONLY) console.log("wrote core/detection/models.generated.ts");
