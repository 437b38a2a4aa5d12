/**
 * Deep search: a problem described in words, taught with a few labels, tracked on all traffic.
 * These are the shapes the pure loop (this folder), the API, the detect worker and the CLI share.
 * An event is read as its feature vector: the sentence vectors of its input and its output,
 * side by side (`eventFeatures`), so a definition about replies and one about requests both fit.
 */

/** A definition is one or a few sentences; longer is refused with a 400 naming `definition`. */
export const DEFINITION_MAX_CHARS = 2000;
/** How many candidates one round proposes for labelling, by default. */
export const ROUND_SIZE = 5;

/** One event as the loop sees it. */
export interface Candidate {
	id: string;
	/** eventFeatures(input vector, output vector). */
	features: Float32Array;
	/** A short text of the event (input, then output), for reasons and clarifying questions. */
	text: string;
}

export interface Label {
	id: string;
	match: boolean;
}

/**
 * A linear model over eventFeatures: p(match) = sigmoid(weights · features + bias). Seeded by the
 * definition (its prior), refit after each round of labels. Stored as JSON with the saved search.
 */
export interface DeepSearchModel {
	/** The embedder whose vectors it reads (Embedder.model); a model never scores another's vectors. */
	embedder: string;
	weights: number[];
	bias: number;
	/** How many labels it was fit on (0: the definition alone). */
	labels: number;
}

export interface MatchVerdict {
	match: boolean;
	/** p(match), 0..1. */
	score: number;
	/** One line saying why, e.g. "close to the definition (0.61) and to a labelled match (0.83)". */
	reason: string;
}

/** One operating point of the calibration curve, cross-validated over the labels. */
export interface CalibrationPoint {
	threshold: number;
	precision: number;
	recall: number;
	/** 90% interval of each. */
	precision_low: number;
	precision_high: number;
	recall_low: number;
	recall_high: number;
}

export interface Calibration {
	points: CalibrationPoint[];
	/** The threshold the system suggests (half the best F1 on the curve, on its grid); the user may pick another. */
	suggested: number;
	/** How many labels the curve rests on. */
	labels: number;
}

/** When labels contradict the definition: the two labelled events that disagree, and a question. */
export interface ClarifyingQuestion {
	question: string;
	/** A labelled match the definition scores low. */
	match_id: string;
	/** A labelled non-match the definition scores high. */
	non_match_id: string;
}
