// `npm run train`: fits the per-signal logistic models over [sentence vector ⊕ cue features]
// (see core/detection/model-features.ts) on the tune part of ../shared/eval (never toxicchat,
// never report rows) and picks each threshold on a held-out quarter of the tune part.
// Writes core/detection/models.generated.ts.
import { writeFileSync } from "node:fs";
import { MODEL_SPECS, type ModelSignal } from "../core/detection/detector";
import { NGRAM_BUCKETS } from "../core/detection/hashed-ngrams";
import { LEXICAL_RULES } from "../core/detection/lexical-rules";
import { type LinearModel, predict, trainLogistic } from "../core/detection/linear-model";
import { modelFeatures } from "../core/detection/model-features";
import { useLiteEmbedder } from "../core/embedding/use-lite-node";
import { CachedEmbedder } from "../eval/embedding-cache";
import { type Example, fnv1a, trainingSets } from "../eval/datasets";

const embedder = new CachedEmbedder(await useLiteEmbedder());
/**
 * Thresholds are calibrated on held-out rows of the signal's own kind of text (easy negatives
 * from other sources would make any threshold look precise), plus plain requests where the
 * signal reads user input, since those are most of real traffic.
 */
const CALIBRATION_SOURCES: Record<ModelSignal, string[] | undefined> = {
	refusal: ["xstest_completions"],
	win: ["goemotions"],
	user_frustration: ["uss_sgd", "uss_redial"],
	// Plain requests are most of real traffic: the threshold must hold on them too.
	nsfw: ["moderation", "xstest", "forbidden_questions", "jbb_goals", "clinc150", "banking77", "snips"],
	jailbreak: undefined,
};
/** Alerts page people: thresholds maximise F-beta with beta 0.5, weighting precision over recall. */
const BETA = Number(process.env.TRAIN_BETA ?? 0.5);
/** Sources left out of training, for experiments (`TRAIN_DROP=jbb,goemotions npm run train`). */
const DROP = new Set((process.env.TRAIN_DROP ?? "").split(",").filter(Boolean));

/** The threshold that maximises weighted F-beta of the cascade: a row is detected if a rule fires or the score reaches t. */
function bestThreshold(scores: number[], rows: Example[], ruleHits: boolean[]) {
	let best = { threshold: 0.5, f: -1, precision: 0, recall: 0 };
	for (let t = 0.05; t < 1; t += 0.01) {
		let tp = 0, fp = 0, fn = 0;
		scores.forEach((s, i) => {
			const hit = ruleHits[i] || s >= t;
			const w = rows[i]!.weight ?? 1;
			if (hit && rows[i]!.label === 1) tp += w;
			else if (hit) fp += w;
			else if (rows[i]!.label === 1) fn += w;
		});
		const p = tp / Math.max(1e-9, tp + fp), r = tp / Math.max(1e-9, tp + fn);
		const f = p + r === 0 ? 0 : ((1 + BETA ** 2) * p * r) / (BETA ** 2 * p + r);
		if (f > best.f) best = { threshold: Math.round(t * 100) / 100, f, precision: p, recall: r };
	}
	return best;
}

const models: Record<string, LinearModel> = {};
for (const [name, examples] of Object.entries(trainingSets("tune"))) {
	const signal = name as ModelSignal;
	const spec = MODEL_SPECS[signal];
	// One row per text and context: the same words after another reply are another example.
	const key = (e: Example) => `${e.text}\u0000${e.context?.previousReply ?? ""}`;
	const unique = [...new Map(examples.filter((e) => e.text.trim() && !DROP.has(e.source)).map((e) => [key(e), e])).values()];
	const texts = unique.flatMap((e) => [e.text, e.context?.previousReply, e.context?.previousRequest]).filter((t): t is string => !!t?.trim());
	const vectors = await embedder.embed(texts);
	const byText = new Map(texts.map((t, i) => [t, vectors[i]!]));
	const zero = new Float32Array(embedder.dimensions);
	const feats = (e: Example) => modelFeatures(spec, e.text, (t) => byText.get(t) ?? zero, e.context);
	const inDomain = CALIBRATION_SOURCES[signal];
	const ofDomain = (e: Example) => !inDomain || inDomain.includes(e.source);
	let calib = unique.filter((e) => (fnv1a(`calibrate:${key(e)}`) & 3) === 0 && ofDomain(e));
	// Too few positives cannot place a threshold: use every in-domain tune row then (optimistic, as
	// three quarters were trained on, but far less noisy than 30 positives).
	if (calib.filter((e) => e.label === 1).length < 50) calib = unique.filter(ofDomain);
	const train = unique.filter((e) => (fnv1a(`calibrate:${key(e)}`) & 3) !== 0);
	const ngrams = "ngrams" in spec && spec.ngrams;
	const trained = trainLogistic(train.map(feats), train.map((e) => e.label), ngrams ? NGRAM_BUCKETS : 0, {
		sampleWeights: train.map((e) => e.weight ?? 1),
		...(process.env.TRAIN_L2 ? { l2: Number(process.env.TRAIN_L2) } : {}),
	});
	const draft: LinearModel = { embedder: embedder.model, weights: trained.weights, ngramWeights: ngrams ? trained.ngramWeights : [], bias: trained.bias, threshold: 0.5, uncertainFrom: 0.5 };
	const scores = calib.map((e) => predict(draft, feats(e)));
	const rules = LEXICAL_RULES.filter((r) => r.signal === signal).flatMap((r) => r.patterns.map((p) => ({ p, within: r.within })));
	const ruleHits = calib.map((e) => rules.some(({ p, within }) => p.test(within ? e.text.slice(0, within) : e.text)));
	const best = bestThreshold(scores, calib, ruleHits);
	// The uncertain band starts where 95% of the calibration positives still score: below it the
	// LLM check would rarely find anything; above the threshold it is not needed.
	const positiveScores = scores.filter((_, i) => calib[i]!.label === 1).sort((a, b) => a - b);
	const p05 = positiveScores[Math.floor(positiveScores.length * 0.05)] ?? best.threshold;
	// Never wider than 0.5 below the threshold, so a weak model cannot send most traffic to the LLM.
	const uncertainFrom = Math.round(Math.min(best.threshold, Math.max(0.05, best.threshold - 0.5, Math.floor(p05 * 100) / 100)) * 100) / 100;
	models[signal] = { ...draft, threshold: best.threshold, uncertainFrom };
	const f1 = (2 * best.precision * best.recall) / Math.max(1e-9, best.precision + best.recall);
	console.log(
		`${signal.padEnd(17)} F1 ${f1.toFixed(3)} train ${train.length} (${train.filter((e) => e.label).length} pos)  calibration ${calib.length}: threshold ${best.threshold} (uncertain from ${models[signal]!.uncertainFrom})  P ${best.precision.toFixed(3)} R ${best.recall.toFixed(3)}`,
	);
}

writeFileSync(
	"core/detection/models.generated.ts",
	`// Generated by scripts/train-detectors.ts (npm run train) from the tune part of ../shared/eval. Do not edit.\n` +
		`import type { DetectorModels } from "./detector";\n\nexport const DETECTOR_MODELS: DetectorModels = ${JSON.stringify(models)};\n`,
);
console.log("wrote core/detection/models.generated.ts");
