import { defaultEmbedder } from "../embedding/default-embedder";
import type { Embedder } from "../embedding/embedder";
import { Detector } from "./detector";
import { DETECTOR_MODELS } from "./models.generated";

const shared = new WeakMap<Embedder, Detector>();

/**
 * The detector with the trained models on the sentence encoder they were trained on: the same in
 * the worker (the encoder loaded in workerd), the CLI, eval and tests (`nodeDetector()` in Node).
 */
export function createDetector(embedder: Embedder): Detector {
	let detector = shared.get(embedder);
	if (!detector) shared.set(embedder, (detector = new Detector(embedder, DETECTOR_MODELS, defaultEmbedder())));
	return detector;
}
