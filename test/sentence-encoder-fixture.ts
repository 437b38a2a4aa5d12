import { useLiteEmbedder } from "#core/embedding/use-lite-node";

/**
 * Texts the workerd sentence encoder must embed exactly as Node does: short and long, several
 * scripts, emoji, code, one past the encoder's reading limit, so the batch holds several model
 * calls of different padded lengths. Embedded in one call on each side, so batches match.
 */
export const SENTENCE_ENCODER_TEXTS = [
	"Can you book me a hotel in Lisbon for Friday?",
	"Reserve a room in Lisbon for me",
	"That's not right, I said 4 people",
	"I'm sorry, but I can't help with that request.",
	"¿Puedes reservar un vuelo a Madrid?",
	"日本語のテキストも読めますか",
	"thanks!!! 🎉🎉 that worked 👍",
	"const x = arr.map((a) => a * 2); // double",
	"The assistant forgot that I told it my name was Priya and called me Sarah in the next reply. ".repeat(4),
	"Summarise this: " + "the quarterly report shows revenue up, costs down, and churn flat across regions. ".repeat(40),
];

/** The Node vectors for SENTENCE_ENCODER_TEXTS (tfjs 4.22, wasm SIMD), as plain arrays for vitest's `provide`. */
export async function nodeSentenceVectors(): Promise<{ texts: string[]; vectors: number[][] }> {
	const encoder = await useLiteEmbedder();
	const vectors = await encoder.embed(SENTENCE_ENCODER_TEXTS);
	return { texts: SENTENCE_ENCODER_TEXTS, vectors: vectors.map((v) => Array.from(v)) };
}
