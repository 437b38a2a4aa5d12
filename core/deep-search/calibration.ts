import type { Calibration, CalibrationPoint } from "./types";

/** The operating points the curve is read at. */
export const THRESHOLDS = Array.from({ length: 19 }, (_, i) => Math.round((i + 1) * 5) / 100);
/** Suggested when the labels cannot say (no match or no non-match among them): the model's own decision point. */
export const DEFAULT_THRESHOLD = 0.5;
const Z90 = 1.6448536269514722;

/**
 * Wilson score interval at 90% for k successes in n trials. With n = 0 nothing is known: the
 * point is 0 and the interval [0, 1], so no NaN reaches a chart or a stored JSON.
 */
export function wilson(k: number, n: number): { value: number; low: number; high: number } {
	if (n === 0) return { value: 0, low: 0, high: 1 };
	const p = k / n;
	const z2 = Z90 * Z90;
	const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
	const half = (Z90 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
	return { value: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Precision and recall per threshold from out-of-fold scores. The suggested threshold is half the
 * curve's best F1, on the grid: for calibrated probabilities the threshold that maximises F1 is
 * F1* / 2 (Lipton, Elkan and Naryanaswamy 2014), and the best F1 of a curve on ~20 labels is a far
 * steadier number than where that best lies (the argmax moves with one label). Without both a
 * match and a non-match among the labels, F1 says nothing and DEFAULT_THRESHOLD is suggested.
 */
export function curve(scored: { score: number; match: boolean }[]): Calibration {
	const positives = scored.filter((s) => s.match).length;
	let best = { f1: -1, threshold: DEFAULT_THRESHOLD };
	const points: CalibrationPoint[] = THRESHOLDS.map((threshold) => {
		let tp = 0,
			fp = 0;
		for (const s of scored) if (s.score >= threshold) s.match ? tp++ : fp++;
		const precision = wilson(tp, tp + fp),
			recall = wilson(tp, positives);
		const f1 = tp === 0 ? 0 : (2 * precision.value * recall.value) / (precision.value + recall.value);
		const nearer = Math.abs(threshold - DEFAULT_THRESHOLD) < Math.abs(best.threshold - DEFAULT_THRESHOLD);
		if (f1 > best.f1 || (f1 === best.f1 && nearer)) best = { f1, threshold };
		return {
			threshold,
			precision: round(precision.value),
			recall: round(recall.value),
			precision_low: round(precision.low),
			precision_high: round(precision.high),
			recall_low: round(recall.low),
			recall_high: round(recall.high),
		};
	});
	const decisive = positives > 0 && positives < scored.length;
	return { points, suggested: decisive ? nearestThreshold(best.f1 / 2) : DEFAULT_THRESHOLD, labels: scored.length };
}

/** The grid point nearest t (ties: the higher), so the suggested threshold is always one the curve shows. */
function nearestThreshold(t: number): number {
	return THRESHOLDS.reduce((a, b) => (Math.abs(b - t) <= Math.abs(a - t) ? b : a));
}

/**
 * Deterministic stratified folds: matches and non-matches each dealt round-robin in their given
 * order, so every fold sees both classes when there are enough of each.
 */
export function folds(labels: boolean[], k: number): number[] {
	const fold = new Array<number>(labels.length).fill(0);
	let m = 0,
		n = 0;
	// Non-matches are dealt from the last fold backward, so a fold short of matches gets non-matches first.
	labels.forEach((match, i) => {
		fold[i] = match ? m++ % k : k - 1 - (n++ % k);
	});
	return fold;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
