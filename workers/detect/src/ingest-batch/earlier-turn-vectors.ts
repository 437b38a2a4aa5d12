import type { EventVectorStore } from "#core/vector-index/event-vectors";
import type { StoredText } from "./conversation-history";

/**
 * The vectors of earlier turns' texts that detection is about to encode, read back from the event
 * vector store instead: a reaction model reads the reply it answers and the user's previous request,
 * and in a conversation those are the previous event's output and input, encoded when that event
 * was stored. On conversational traffic they are most of what a batch encodes (bench/drain-scale.ts
 * counts encoder texts per event). A text is looked up only if the batch's detection needs it (`wanted`) and
 * only under the encoder's own model; one missing (not stored yet, or the store failing) is encoded
 * as before, so the results do not change, only what they cost.
 */
export async function earlierTurnVectors(
	store: EventVectorStore,
	encoder: { model: string; dimensions: number },
	stored: readonly StoredText[],
	wanted: ReadonlySet<string>,
): Promise<Map<string, Float32Array>> {
	const known = new Map<string, Float32Array>();
	const byProject = new Map<string, StoredText[]>();
	for (const s of stored) if (wanted.has(s.text)) byProject.set(s.projectId, [...(byProject.get(s.projectId) ?? []), s]);
	await Promise.all(
		[...byProject].map(async ([projectId, texts]) => {
			try {
				const got = await store.get(projectId, [...new Set(texts.map((s) => s.eventId))], encoder.model);
				for (const s of texts) {
					const vector = got.get(s.eventId)?.[s.part];
					if (vector?.length === encoder.dimensions) known.set(s.text, vector);
				}
			} catch (err) {
				console.warn(`reading the stored vectors of ${texts.length} earlier turns of ${projectId} failed; they are encoded`, err);
			}
		}),
	);
	return known;
}
