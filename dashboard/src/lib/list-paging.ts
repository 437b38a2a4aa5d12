/** Lists that load page after page: how pages join and what a list says once it has reached its end. */

/** The next page appended, each item once: a row that moved between two requests is not shown twice. */
export function appendPage<T>(items: T[], page: T[], keyOf: (item: T) => string): T[] {
	const seen = new Set(items.map(keyOf));
	return [...items, ...page.filter((item) => !seen.has(keyOf(item)))];
}

/** "issues", "deliveries": the nouns these lists count. */
export const pluralOf = (noun: string) => (/[^aeiou]y$/.test(noun) ? `${noun.slice(0, -1)}ies` : /(s|sh|ch|x)$/.test(noun) ? `${noun}es` : `${noun}s`);

/** "1 turn", "12 turns". */
export const plural = (n: number, noun: string) => `${n.toLocaleString("en-US")} ${n === 1 ? noun : pluralOf(noun)}`;

/** "All 37 issues shown." once the last page is in; "1 turn", not "1 turns". */
export function allShownText(shown: number, noun: string): string {
	return shown === 1 ? `The only ${noun} is shown.` : `All ${plural(shown, noun)} shown.`;
}

/** "Showing 50 of 212 events": where a paged list stands. */
export function showingText(shown: number, total: number, noun: string): string {
	return shown >= total ? allShownText(shown, noun) : `Showing ${shown.toLocaleString("en-US")} of ${plural(total, noun)}.`;
}

/**
 * The end of search by meaning, said honestly: it pages over the nearest `ranked` events only (the vector
 * index answers at most 100 a query), so when it stopped short of every event searched, say where to look further.
 */
export function meaningEndText(shown: number, ranked: number, searched: number, depth: number): string {
	const all = `That is all: ${shown === 1 ? "the only result is" : `all ${plural(shown, "result")}`} shown.`;
	if (ranked < depth || searched <= ranked) return all;
	return `${all} Search by meaning ranks the nearest ${depth} of ${searched.toLocaleString("en-US")} events; narrow by user, model or dates, or search by words, to reach further.`;
}

/**
 * Search by words, where it stands and where it ends. More matches than the ranking's depth (`ranked` set):
 * the newest that many are ranked, so say so and where to look further.
 */
export function wordsSummaryText(shown: number, searched: number, ranked: number | null): string {
	if (ranked === null) return `Showing ${shown.toLocaleString("en-US")} of ${plural(searched, "event")} with these words, best first.`;
	return `Showing ${shown.toLocaleString("en-US")} of the ${ranked.toLocaleString("en-US")} events stored last with these words, best first: more match.`;
}

export function wordsEndText(shown: number, searched: number, ranked: number | null): string {
	const end = `That is all: ${showingText(shown, searched, "event").toLowerCase()}`;
	if (ranked === null) return end;
	return `${end} Search by words ranks the ${ranked.toLocaleString("en-US")} matching events stored last; narrow by user, model or dates to reach the others.`;
}
