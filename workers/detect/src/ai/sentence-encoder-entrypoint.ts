import { WorkerEntrypoint } from "cloudflare:workers";
import { sentenceEncoder } from "#shared/adapters/sentence-encoder";

/**
 * The detect worker's sentence encoder, lent over RPC to workers that need a vector now and then
 * (the api's search by meaning) so they don't load a second ~80 MB copy of the model: one per
 * isolate costs less memory than one per worker, and the api stays small and quick to start.
 * Bound as a named entrypoint (workers/api/wrangler.toml, SENTENCE_ENCODER).
 */
export class SentenceEncoderEntrypoint extends WorkerEntrypoint<DetectEnv> {
	/** Unit vectors (512-d, `use-lite-512`) for `texts`, in order; blank text gets the zero vector. */
	async embed(texts: string[]): Promise<Float32Array[]> {
		return (await sentenceEncoder(this.env)).embed(texts);
	}
}
