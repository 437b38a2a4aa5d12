import type { Embedder } from "#core/embedding/embedder";
import { USE_LITE_MODEL } from "#core/embedding/use-lite-embedder";

/** What the detect worker's SentenceEncoderEntrypoint answers over RPC. */
export interface SentenceEncoderService {
	embed(texts: string[]): Promise<Float32Array[]>;
}

/**
 * The sentence encoder as the api sees it: the detect worker's copy, over a service binding
 * (SENTENCE_ENCODER), so vectors are the very ones detection stored and the api isolate never
 * holds the model. A search embeds one query: one RPC round trip.
 */
export class RemoteSentenceEncoder implements Embedder {
	readonly model = USE_LITE_MODEL;
	readonly dimensions = 512;

	private readonly service: SentenceEncoderService;

	/** `wrangler types` gives the binding as a bare Service: the entrypoint's class lives in the detect worker. */
	constructor(binding: Service | SentenceEncoderService) {
		this.service = binding as SentenceEncoderService;
	}

	embed(texts: string[]): Promise<Float32Array[]> {
		return this.service.embed(texts);
	}
}
