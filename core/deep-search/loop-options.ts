/** The deep search loop's knobs, and which side of an event a definition is about. */

/** Which side of an event a definition is about: the user's request, the assistant's reply, or the whole exchange. */
export type DefinitionSide = "input" | "output" | "both";

/** The loop's knobs; the defaults were chosen on the tune half of the eval data (docs/quality.md, "Deep search"). */
export interface LoopOptions {
	side: DefinitionSide;
	/** Logits per unit of cosine with the definition: how sharp the definition's prior is. */
	priorScale: number;
	/** The cosine with the definition at which the definition alone says p = 0.5. */
	definitionCosine: number;
	/** How hard the definition's weight on each side is held at its prior. */
	priorPull: number;
	/** Penalty on what the labels add to the weights (its squared norm). */
	l2: number;
	/** How hard the bias is held at the definition's. */
	biasPull: number;
	/** How cheap the labels make weights on the side the definition is not about, relative to its own side (1: the same). */
	offSide: number;
	/** How much a candidate's similarity to one already picked this round costs it in nextToLabel. */
	diversity: number;
	/** How many nearest pool events each label's features are averaged with before fitting (withNeighbours; 0: none). */
	neighbours: number;
}

export const DEFAULT_OPTIONS: LoopOptions = {
	side: "both",
	priorScale: 12,
	definitionCosine: 0.2,
	priorPull: 1,
	l2: 0.01,
	biasPull: 0.01,
	diversity: 1,
	offSide: 0.25,
	neighbours: 10,
};

export const SIDE_WEIGHTS: Record<DefinitionSide, [number, number]> = { input: [1, 0], output: [0, 1], both: [0.5, 0.5] };

/**
 * A best guess of the side from the definition's words: about the assistant's reply → output,
 * about the user → input, neither or both → both. The caller may pass a side of its own instead.
 */
export function definitionSide(text: string): DefinitionSide {
	const output = /\b(assistant|bot|chatbot|model|ai|reply|replies|answer|answers|response|responses|responds?|refuses?|apologi[sz]es?)\b/i.test(text);
	const input = /\b(user|users|customer|customers|asks?|requests?|prompts?|wants?|complains?)\b/i.test(text);
	return output && !input ? "output" : input && !output ? "input" : output && /\bthe (assistant|bot|model|ai)\b/i.test(text) ? "output" : "both";
}
