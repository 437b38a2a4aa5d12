import { tokenize } from "../embedding/tokenize";
import { STOPWORDS, stem } from "./text-vectors";

/**
 * What issue and intent naming share: picking the phrasing most members of a cluster support,
 * turning the assistant's "your" into "the user's", and the "in 42 replies since Nov 18" tail.
 */

/** Curly quotes to straight ones, runs of space to one: the regexes below see one spelling. */
export function normalise(text: string): string {
	return text
		.replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
		.replace(/[\u201c\u201d]/g, '"')
		.replace(/\s+/g, " ")
		.trim();
}

export function sentencesOf(text: string): string[] {
	return normalise(text.replace(/\n+/g, ". "))
		.split(/(?<=[.!?…])\s+/)
		.map((s) => s.trim())
		.filter((s) => /\p{L}/u.test(s));
}

/** Stems of a phrase's content words: what members must share for the phrase to speak for them. */
export function contentStems(text: string): string[] {
	return tokenize(text)
		.filter((w) => /^[a-z0-9]+$/.test(w) && !STOPWORDS.has(w))
		.map(stem);
}

/** One way of naming a cluster, proposed by one member. */
export interface Candidate {
	/** Same key = same name, whoever proposed it ("access the calendar" from two phrasings). */
	key: string;
	title: string;
	/** The words that should be common to the cluster for this name to fit it (stems are taken). */
	words: string[];
	/** Scores below 1 mark a vaguer name ("help with that") a more specific one should beat. */
	weight?: number;
	/** Extra data for the description (the clause in the user's terms, an example). */
	detail?: Record<string, string>;
}

export interface Ranked extends Candidate {
	score: number;
	/** How many members proposed it. */
	votes: number;
	/** The member that proposed it first (index into the cluster's texts). */
	by: number;
}

/**
 * Candidates of all members ranked for the cluster: the share of members proposing the same name,
 * plus the mean share of members using each of its words, less a little per word past four (short
 * names read faster). Ties go to the name of the member nearer the front (callers put the central
 * example first), then to the longer (as well supported, and more specific).
 */
export function rankCandidates(perMember: Candidate[][], texts: string[]): Ranked[] {
	const n = Math.max(1, perMember.length);
	const memberStems = perMember.map((cands, i) => {
		const s = new Set(contentStems(texts[i] ?? ""));
		for (const c of cands) for (const w of c.words) for (const x of contentStems(w)) s.add(x);
		return s;
	});
	const share = (w: string) => memberStems.filter((s) => s.has(w)).length / n;
	const byKey = new Map<string, Ranked>();
	perMember.forEach((cands, i) => {
		const seen = new Set<string>();
		for (const c of cands) {
			if (seen.has(c.key)) continue;
			seen.add(c.key);
			const r = byKey.get(c.key);
			if (r) r.votes++;
			else byKey.set(c.key, { ...c, score: 0, votes: 1, by: i });
		}
	});
	for (const r of byKey.values()) {
		const stems = [...new Set(r.words.flatMap(contentStems))];
		const support = stems.length ? stems.reduce((s, w) => s + share(w), 0) / stems.length : 0.3;
		r.score = (r.votes / n + support - 0.05 * Math.max(0, stems.length - 4)) * (r.weight ?? 1);
	}
	return [...byKey.values()].sort((a, b) => b.score - a.score || a.by - b.by || b.title.length - a.title.length);
}

/** The members with the central example first (once), empty ones left out. */
export function centralFirst(texts: readonly string[], central?: string): string[] {
	const kept = texts.filter((t) => typeof t === "string" && t.trim());
	if (!central?.trim()) return kept;
	const at = kept.indexOf(central);
	return at >= 0 ? [central, ...kept.slice(0, at), ...kept.slice(at + 1)] : [central, ...kept];
}

/**
 * The assistant's words about the user, as a third person reads them: "access your calendar" →
 * "access the calendar" (title) or "access the user's calendar" (description); "the file you
 * uploaded" → "the file the user uploaded"; the assistant's own "my" → "its".
 */
export function thirdPerson(phrase: string, mode: "title" | "description"): string {
	return phrase
		.replace(/\byour(?:s)?\b/gi, (w) => (w.toLowerCase() === "yours" ? "the user's" : mode === "title" ? "the" : "the user's"))
		.replace(/\byourself\b/gi, "the user")
		.replace(/\byou\b/gi, "the user")
		.replace(/\bmyself\b/gi, "itself")
		.replace(/\bmy\b/gi, "its")
		.replace(/\bme\b/gi, "it")
		.replace(/\bI\b/g, "it")
		.replace(/\bthe the\b/gi, "the");
}

/** At most `max` words. */
export function clipWords(phrase: string, max: number): string {
	const words = phrase.split(/\s+/).filter(Boolean);
	if (words.length <= max) return words.join(" ");
	return words.slice(0, max).join(" ");
}

export function capitalise(s: string): string {
	return s.replace(/^\s*(\p{Ll})/u, (c) => c.toUpperCase());
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Nov 18", with the year when it is not the year of `now`. UTC: the worker and the CLI agree. */
export function shortDate(ms: number, now = Date.now()): string {
	const d = new Date(ms);
	if (Number.isNaN(d.getTime())) return "";
	const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
	return d.getUTCFullYear() === new Date(now).getUTCFullYear() ? day : `${day}, ${d.getUTCFullYear()}`;
}

/** ", in 42 replies since Nov 18" from whatever the caller knows (nothing: ""). */
export function countTail(count: number | undefined, noun: [string, string], firstSeen?: number, now?: number): string {
	const since = firstSeen !== undefined && Number.isFinite(firstSeen) ? shortDate(firstSeen, now) : "";
	if (count !== undefined && count > 0) return `, in ${count} ${count === 1 ? noun[0] : noun[1]}${since ? ` since ${since}` : ""}`;
	return since ? `, since ${since}` : "";
}

/** A member quoted in a description: one sentence, at most ~80 characters. */
export function quote(text: string, max = 80): string {
	const first = sentencesOf(text)[0] ?? normalise(text);
	const s = first.length <= max ? first : `${first.slice(0, first.lastIndexOf(" ", max - 1) > max / 2 ? first.lastIndexOf(" ", max - 1) : max - 1)}…`;
	return `"${s.replace(/"/g, "'")}"`;
}

/** Singular of a plural noun, for "flights" in "flight search" and "the number of people". */
export function singular(word: string): string {
	const w = word.toLowerCase();
	if (w.length <= 3 || /(?:ss|us|is|news|ics)$/.test(w)) return word;
	if (/ies$/.test(w)) return `${word.slice(0, -3)}y`;
	if (/(?:ches|shes|xes|sses|zes)$/.test(w)) return word.slice(0, -2);
	if (/s$/.test(w)) return word.slice(0, -1);
	return word;
}

/**
 * Titles of one kind made distinct. Clusters come largest first: each takes its first choice
 * when no earlier cluster (nor `taken`, the names already in use) has it; a later cluster whose
 * first choice is gone takes a phrasing of its members that says more ("Book a hotel room"), or
 * keeps that wording plus the detail that tells it apart (`fallbacks`, e.g. "(work account)"), or
 * else another member's phrasing. Never a bare "(2)": only when nothing at
 * all differs (the same texts twice) does a cluster get its position.
 */
export function assignUnique<T>(clusters: T[], options: (c: T) => string[], fallbacks: (c: T) => string[], taken: Iterable<string> = []): string[] {
	const used = new Set([...taken].map((t) => t.trim().toLowerCase()));
	const free = (t: string | undefined): t is string => !!t?.trim() && !used.has(t.trim().toLowerCase());
	const take = (t: string) => {
		used.add(t.trim().toLowerCase());
		return t;
	};
	const out: string[] = clusters.map(() => "");
	clusters.forEach((c, i) => {
		const first = options(c)[0];
		if (free(first)) out[i] = take(first);
	});
	clusters.forEach((c, i) => {
		if (out[i]) return;
		const first = options(c)[0] ?? "";
		// Another phrasing that says all the first one does and more ("Book a hotel room") reads best.
		const have = new Set(contentStems(first));
		const longer = options(c)
			.slice(1)
			.filter((o) => {
				const s = new Set(contentStems(o));
				return s.size > have.size && [...have].every((w) => s.has(w));
			});
		const pick = [...longer, ...fallbacks(c), ...options(c).slice(1)].find(free);
		out[i] = take(pick ?? `${first} (${i + 1})`);
	});
	return out;
}

/** A keyword that reads as a word in a title: not a token piece ("ca" of "can't") nor a stopword. */
export function usableKeyword(k: string): boolean {
	return /^\p{L}[\p{L}'-]{2,}$/u.test(k) && !STOPWORDS.has(k.toLowerCase()) && !/^(?:n't|ca|wo|sha)$/i.test(k);
}
