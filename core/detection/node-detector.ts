import { useLiteEmbedder } from "../embedding/use-lite-node";
import { createDetector } from "./default-detector";
import type { Detector } from "./detector";

/** The detector in Node (CLI, eval, bench, tests): the sentence encoder loaded from its npm package. */
export async function nodeDetector(): Promise<Detector> {
	return createDetector(await useLiteEmbedder());
}
