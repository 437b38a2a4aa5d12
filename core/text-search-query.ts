/**
 * A person's search text as an SQLite FTS5 MATCH expression (https://sqlite.org/fts5.html#full_text_query_syntax),
 * for the full-text index over events' input and output (migration 0020).
 *
 * Understood: `"a phrase"`, `word*` (prefix), `-word` and `NOT word` (exclude), `OR` between two terms (it binds
 * tighter than the implicit AND: `refund card OR paypal` is refund AND (card OR paypal)). Everything else is a
 * literal: each term goes to FTS5 as a quoted string, so `NEAR(`, `input:`, `^`, `+`, parentheses or a stray quote
 * never reach its parser as syntax, and no input can make the query fail. A term with no letter or digit
 * (`%`, `--`, an emoji) holds no token for the unicode61 tokenizer and is dropped.
 */
export type TextSearchQuery = { match: string } | { problem: string };

interface Term {
	/** The FTS5 string, quoted, with its `*` when a prefix. */
	fts: string;
	negated: boolean;
}

/** Letters, digits and private-use characters: what unicode61 keeps as token characters. */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
/** A quoted phrase (to the closing quote, or to the end when none), or a bare run of non-space characters. */
const CHUNK = /(-?)"([^"]*)"?(\*?)|(\S+)/g;

const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

function term(text: string, prefix: boolean, negated: boolean): Term | undefined {
	if (!TOKEN_CHAR.test(text)) return undefined;
	return { fts: `${quoted(text)}${prefix ? "*" : ""}`, negated };
}

function bareTerm(chunk: string, negated: boolean): Term | undefined {
	const prefix = /^(.*?)\*+$/.exec(chunk);
	return prefix ? term(prefix[1]!, true, negated) : term(chunk, false, negated);
}

/** Parses `q`; a query with nothing to find (empty, only operators or punctuation, only exclusions) is a problem. */
export function textSearchQuery(text: string): TextSearchQuery {
	const items: Array<Term | "OR"> = [];
	let negateNext = false;
	for (const m of text.matchAll(CHUNK)) {
		const [, minus, phrase, star, bare] = m;
		if (bare === "OR" || bare === "AND" || bare === "NOT") {
			if (bare === "OR") items.push("OR");
			negateNext = bare === "NOT";
			continue;
		}
		const minusWord = bare !== undefined && bare.length > 1 && bare.startsWith("-");
		const negated = negateNext || minus === "-" || minusWord;
		negateNext = false;
		const t = phrase !== undefined ? term(phrase, star === "*", negated) : bareTerm(minusWord ? bare.slice(1) : bare!, negated);
		if (t) items.push(t);
	}
	// Positive terms in AND groups of OR alternatives; an OR next to an exclusion or at either end joins nothing.
	const groups: string[][] = [];
	const excluded: string[] = [];
	let joinNext = false;
	for (const item of items) {
		if (item === "OR") {
			joinNext = groups.length > 0;
			continue;
		}
		if (item.negated) {
			excluded.push(item.fts);
			joinNext = false;
			continue;
		}
		if (joinNext) groups.at(-1)!.push(item.fts);
		else groups.push([item.fts]);
		joinNext = false;
	}
	if (groups.length === 0) {
		return {
			problem: excluded.length
				? "needs at least one word to find besides the excluded ones"
				: "needs at least one word or number to find (phrases in double quotes, word* for a prefix, -word or NOT word to exclude, OR)",
		};
	}
	const positive = groups.map((g) => (g.length > 1 ? `(${g.join(" OR ")})` : g[0]!)).join(" AND ");
	return { match: excluded.length ? `(${positive}) NOT (${excluded.join(" OR ")})` : positive };
}
