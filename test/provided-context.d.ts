// Values test/global-setup.ts provides to every test project (read with `inject`).
export {};

declare module "vitest" {
	export interface ProvidedContext {
		/** Base URL of the local webhook receiver (test/webhook-receiver.ts). */
		receiverUrl: string;
		/** Texts and their sentence-encoder vectors computed in Node (test/sentence-encoder-fixture.ts). */
		sentenceEncoderFixture: { texts: string[]; vectors: number[][] };
	}
}
