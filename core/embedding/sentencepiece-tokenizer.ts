/**
 * The SentencePiece (unigram) tokenizer of the Universal Sentence Encoder Lite, ported from
 * Google's tfjs-models/universal-sentence-encoder (Apache-2.0, Copyright 2019 Google LLC), the
 * same code `@energetic-ai/embeddings` bundles. It is copied rather than imported because both
 * packaged copies bring a tfjs of their own at import time (a 1.7 MB second tfjs 4.5 bundle, or a
 * tfjs 3 peer), and the encoder must run on one pinned tfjs (see use-lite-embedder.ts).
 * `embedding.test.ts` checks it against `@energetic-ai/embeddings` token for token.
 */
export type Vocabulary = [piece: string, score: number][];

const SEPARATOR = "\u2581";
/** The first 6 pieces are reserved: <unk>, <s>, </s> and three extra ids. */
const RESERVED = 6;

interface TrieNode {
	children: Map<string, TrieNode>;
	/** Set where a vocabulary piece ends: its symbols, score and id. */
	piece?: { length: number; score: number; id: number };
}

export class SentencePieceTokenizer {
	private readonly root: TrieNode = { children: new Map() };
	private readonly lengths: number[];

	constructor(vocabulary: Vocabulary) {
		this.lengths = vocabulary.map(([piece]) => [...piece].length);
		for (let id = RESERVED; id < vocabulary.length; id++) {
			const [piece, score] = vocabulary[id]!;
			let node = this.root;
			for (const symbol of piece) {
				let next = node.children.get(symbol);
				if (!next) node.children.set(symbol, (next = { children: new Map() }));
				node = next;
			}
			node.piece = { length: this.lengths[id]!, score, id };
		}
	}

	/** Token ids of `text`; unknown symbols become id 0, and runs of them one 0 (as the reference does). */
	encode(text: string): number[] {
		const normalized = text.normalize("NFKC");
		if (!normalized) return [];
		const symbols = [...(SEPARATOR + normalized.replace(/ /g, SEPARATOR))];
		const n = symbols.length;
		// Viterbi over piece boundaries: best[i] is the best score of a segmentation of symbols[0, i).
		const best = new Float64Array(n + 1);
		const set = new Uint8Array(n + 1);
		const word = new Int32Array(n + 1);
		const wordLength = new Int32Array(n + 1);
		set[0] = 1;
		for (let start = 0; start < n; start++) {
			if (!set[start]) continue;
			let node: TrieNode | undefined = this.root.children.get(symbols[start]!);
			let matched = false;
			for (let end = start + 1; node; end++) {
				if (node.piece) {
					matched = true;
					this.relax(best, set, word, wordLength, start, end, node.piece.score, node.piece.id);
				}
				node = end < n ? node.children.get(symbols[end]!) : undefined;
			}
			// A symbol no piece starts with is an unknown token of score 0.
			if (!matched) this.relax(best, set, word, wordLength, start, start + 1, 0, 0);
		}
		const ids: number[] = [];
		for (let end = n; end > 0; end -= wordLength[end]!) ids.push(word[end]!);
		ids.reverse();
		return ids.filter((id, i) => !(id === 0 && ids[i - 1] === 0));
	}

	private relax(best: Float64Array, set: Uint8Array, word: Int32Array, wordLength: Int32Array, start: number, end: number, score: number, id: number) {
		const total = score + best[start]!;
		// Ties go to the later candidate, as in the reference (its `score >= best` over the same order).
		if (!set[end] || total >= best[end]!) {
			best[end] = total;
			set[end] = 1;
			word[end] = id;
			wordLength[end] = end - start;
		}
	}
}
