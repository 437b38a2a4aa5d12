import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EmbeddingsModel } from "@energetic-ai/embeddings";
import { describe, expect, it } from "vitest";
import { cosine } from "./embedder";
import { SentencePieceTokenizer } from "./sentencepiece-tokenizer";
import { tokenize } from "./tokenize";
import { USE_LITE_MAX_CHARS, USE_LITE_MAX_TOKENS } from "./use-lite-embedder";
import { USE_LITE_DIR, useLiteEmbedder } from "./use-lite-node";

describe("tokenize", () => {
	it("splits into words for n-grams and TF-IDF: contractions, punctuation, case", () => {
		expect(tokenize("I can't believe it's DONE! Really?")).toEqual(["i", "ca", "n't", "believe", "it", "'s", "done", "!", "really", "?"]);
		expect(tokenize("won’t")).toEqual(["wo", "n't"]);
	});
});

const SAMPLES = [
	"Can you book me a hotel in Lisbon for Friday?",
	"That's not right, I said 4 people",
	"¿Puedes reservar un vuelo a Madrid?",
	"Können Sie mir helfen?",
	"thanks!!! 🎉🎉 that worked 👍",
	"const x = arr.map((a) => a * 2); // double",
	"日本語のテキストも読めますか",
	"   leading and trailing spaces   ",
];

describe("SentencePiece tokenizer", () => {
	it("splits text into the same pieces as @energetic-ai/embeddings, the reference port", () => {
		const vocabulary = JSON.parse(readFileSync(join(USE_LITE_DIR, "vocab.json"), "utf8"));
		const reference = new EmbeddingsModel({ vocabulary, model: undefined as never }).tokenizer;
		const mine = new SentencePieceTokenizer(vocabulary);
		for (const text of SAMPLES) expect(mine.encode(text), text).toEqual(reference.encode(text));
	});
});

describe("Universal Sentence Encoder Lite", async () => {
	const e = await useLiteEmbedder();

	it("returns unit vectors of its declared size, the same for the same text in any batch", async () => {
		const [a, b] = await e.embed(["book a flight to paris", "book a flight to paris"]);
		const [alone] = await e.embed(["book a flight to paris"]);
		expect(a).toHaveLength(e.dimensions);
		expect(cosine(a!, a!)).toBeCloseTo(1, 5);
		expect(cosine(a!, b!)).toBeCloseTo(1, 5);
		expect(cosine(a!, alone!)).toBeCloseTo(1, 5);
	});

	it("puts paraphrases closer than unrelated requests, and keeps negation", async () => {
		const [flight, ticket, bread, worked, failed, refused, helped] = await e.embed([
			"book a flight to paris",
			"reserve a plane ticket to france",
			"how do I bake sourdough bread",
			"thanks, that worked",
			"no, that didn't work",
			"I'm sorry, I can't access your calendar.",
			"Here is your calendar for tomorrow.",
		]);
		expect(cosine(flight!, ticket!)).toBeGreaterThan(cosine(flight!, bread!) + 0.2);
		expect(cosine(worked!, failed!)).toBeLessThan(0.8);
		expect(cosine(refused!, helped!)).toBeLessThan(0.8);
	});

	it("gives blank text the zero vector and reads other languages, emoji and code without failing", async () => {
		const vectors = await e.embed(["", "   \n\t", ...SAMPLES]);
		expect([...vectors[0]!].every((x) => x === 0)).toBe(true);
		expect([...vectors[1]!].every((x) => x === 0)).toBe(true);
		for (const v of vectors.slice(2)) {
			expect([...v].every(Number.isFinite)).toBe(true);
			expect(cosine(v, v)).toBeCloseTo(1, 4);
		}
	});

	it("reads a 50,000-character text up to its window: the first characters and pieces", async () => {
		const long = "The assistant refused to export the contacts. ".repeat(1100).slice(0, 50_000);
		expect(e.tokens(long)).toHaveLength(USE_LITE_MAX_TOKENS);
		const [whole, head] = await e.embed([long, long.slice(0, USE_LITE_MAX_CHARS)]);
		expect(cosine(whole!, head!)).toBeCloseTo(1, 5);
	});
});
