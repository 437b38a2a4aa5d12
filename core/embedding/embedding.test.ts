import { describe, expect, it } from "vitest";
import { defaultEmbedder } from "./default-embedder";
import { cosine } from "./embedder";
import { tokenize } from "./tokenize";

describe("tokenize", () => {
	it("splits like the GloVe corpus: contractions, punctuation, case", () => {
		expect(tokenize("I can't believe it's DONE! Really?")).toEqual(["i", "ca", "n't", "believe", "it", "'s", "done", "!", "really", "?"]);
		expect(tokenize("won’t")).toEqual(["wo", "n't"]);
	});
});

describe("embedded GloVe SIF embedder", () => {
	const e = defaultEmbedder();

	it("returns unit vectors of its declared size, the same for the same text", async () => {
		const [a, b] = await e.embed(["book a flight to paris", "book a flight to paris"]);
		expect(a).toHaveLength(e.dimensions);
		expect(cosine(a!, a!)).toBeCloseTo(1, 5);
		expect(a).toEqual(b);
	});

	it("puts paraphrases closer than unrelated requests", () => {
		const v = (t: string) => e.embedOne(t);
		const flight = v("book a flight to paris");
		expect(cosine(flight, v("reserve a plane ticket to france"))).toBeGreaterThan(cosine(flight, v("how do I bake sourdough bread")) + 0.3);
		const card = v("my card was charged twice for the same purchase");
		expect(cosine(card, v("I see a duplicate payment on my credit card"))).toBeGreaterThan(cosine(card, v("what time does the museum open")));
	});

	it("gives a zero-information text a finite vector", () => {
		const z = e.embedOne("zzqxv ##");
		expect([...z].every(Number.isFinite)).toBe(true);
	});
});
