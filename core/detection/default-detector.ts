import { defaultEmbedder } from "../embedding/default-embedder";
import { Detector } from "./detector";
import { DETECTOR_MODELS } from "./models.generated";

let shared: Detector | undefined;

/** The detector with the embedded embedder and the trained models: the same in the worker, CLI and eval. */
export function createDetector(): Detector {
	shared ??= new Detector(defaultEmbedder(), DETECTOR_MODELS);
	return shared;
}
