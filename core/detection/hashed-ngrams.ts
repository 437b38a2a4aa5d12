import { STOPWORDS } from "../clustering/text-vectors";
import { tokenize } from "../embedding/tokenize";

/** Buckets for hashed word unigrams and bigrams; collisions are rare enough at this size for short texts. */
export const NGRAM_BUCKETS = 1 << 13;

function hash(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	h ^= h >>> 15;
	h = Math.imul(h, 0x2c1b3c6d) >>> 0;
	return (h ^ (h >>> 12)) >>> 0;
}

/**
 * The distinct buckets of a text's words and word pairs: the sparse half of a model's features.
 * N-grams of function words only ("can you", "with this") are left out: they say how a text is
 * phrased, not what it is about, and the training sets differ in phrasing by accident.
 */
export function hashedNgrams(text: string, maxTokens = 400): number[] {
	const tokens = tokenize(text).slice(0, maxTokens);
	const content = tokens.map((t) => !STOPWORDS.has(t) && /[a-z0-9]/.test(t));
	const out = new Set<number>();
	for (let i = 0; i < tokens.length; i++) {
		if (content[i]) out.add(hash(tokens[i]!) % NGRAM_BUCKETS);
		if (i > 0 && (content[i] || content[i - 1])) out.add(hash(`${tokens[i - 1]} ${tokens[i]}`) % NGRAM_BUCKETS);
	}
	return [...out];
}
