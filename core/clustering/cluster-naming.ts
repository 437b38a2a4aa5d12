import { SIGNAL_VOCABULARY } from "../detection/signal-vocabulary";
import { tokenize } from "../embedding/tokenize";
import { intentName } from "./intent-names";
import { guessSignal } from "./namers";
import { nameIssue } from "./issue-names";
import { isValueWord } from "./request-shape";
import { contentWords, STOPWORDS, stem } from "./text-vectors";

/**
 * Class-based TF-IDF (as in BERTopic): a word scores high for a cluster when it is frequent
 * in it and rare across clusters. Titles show the words as written, not their stems.
 */
export function clusterKeywords(clusters: string[][], top = 3, ignore?: ReadonlySet<string>): string[][] {
	const counts = clusters.map((texts) => {
		const c = new Map<string, number>();
		for (const t of texts) for (const w of contentWords(t, ignore)) c.set(w, (c.get(w) ?? 0) + 1);
		return c;
	});
	const total = new Map<string, number>();
	for (const c of counts) for (const [w, x] of c) total.set(w, (total.get(w) ?? 0) + x);
	const avgWords = counts.reduce((s, c) => s + [...c.values()].reduce((a, b) => a + b, 0), 0) / Math.max(1, counts.length);
	return counts.map((c, i) => {
		const size = clusters[i]!.length;
		return [...c]
			.filter(([, x]) => x >= Math.min(2, size))
			.map(([w, x]) => [w, x * Math.log(1 + avgWords / total.get(w)!)] as const)
			.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
			.slice(0, top)
			.map(([w]) => surfaceForm(w, clusters[i]!));
	});
}

/** The most common written form of a stem in the cluster's texts. */
function surfaceForm(stemmed: string, texts: string[]): string {
	const forms = new Map<string, number>();
	for (const t of texts) for (const w of tokenize(t)) if (stem(w) === stemmed) forms.set(w, (forms.get(w) ?? 0) + 1);
	return [...forms].sort((a, b) => b[1] - a[1])[0]?.[0] ?? stemmed;
}

export function clusterTitle(keywords: string[], centralExample: string): string {
	if (keywords.length === 0) return centralExample.slice(0, 80);
	return keywords.join(" · ");
}

/** A word of the central example stays in a template title when at least this share of the members use it. */
const TEMPLATE_SHARE = 0.4;

/**
 * A cluster's name. When most members read as requests, what they ask for as an imperative
 * ("Book a hotel", "Get weather forecast": see intent-names.ts). Otherwise (another language,
 * texts that are no requests) a template of its most central example: the words most members
 * share stay as written, the ones that vary (a city, a date, a name) become "…"; when the template
 * keeps no content word, the central example's key sentence is the name.
 */
export function templateTitle(keywords: string[], central: string, members: string[], max = 70): string {
	const named = intentName(members, central);
	if (named) return named;
	return textTemplate(keywords, central, members, max);
}

/** The template name alone: "Book a hotel in Lisbon for 3 nights" among other bookings → "Book a hotel in … for … nights". */
export function textTemplate(keywords: string[], central: string, members: string[], max = 70): string {
	const sentence = quotedSentence(keywords, central, 400);
	const sets = members.map((m) => new Set(tokenize(m).map(stem)));
	const shared = (token: string) => sets.filter((s) => s.has(stem(token))).length >= TEMPLATE_SHARE * sets.length;
	const out: string[] = [];
	let content = 0;
	let contentTotal = 0;
	let gaps = 0;
	let sentenceStart = true;
	for (const raw of sentence.split(/\s+/)) {
		const tokens = tokenize(raw).filter((t) => /^[a-z0-9]/.test(t));
		// A value (a city, a date) that varies is what a template leaves open; it costs nothing.
		const value = isValueWord(raw, sentenceStart);
		sentenceStart = /[.!?]$/.test(raw);
		const isContent = !value && tokens.some((t) => !STOPWORDS.has(t));
		if (isContent) contentTotal++;
		if (tokens.every(shared)) {
			out.push(raw);
			if (isContent) content++;
		} else if (!out[out.length - 1]?.startsWith("…")) {
			out.push(`…${/[?!.,:;]$/.test(raw) ? raw.slice(-1) : ""}`);
			if (!value) gaps++;
		}
	}
	// A template with most of its words gone says less than the example itself.
	if (content === 0 || content < contentTotal / 2 || gaps > 2) return quotedSentence(keywords, central, max);
	while (out[0]?.startsWith("…")) out.shift();
	const title = out.join(" ").replace(/^./, (c) => c.toUpperCase());
	if (title.length <= max) return title;
	const cut = title.slice(0, max - 1);
	return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2))}…`;
}

/** Which signal a vocabulary belongs to (callers pass signalVocabulary(signal), not the signal). */
function signalOf(signalWords: ReadonlySet<string> | undefined, central: string): string | undefined {
	if (signalWords?.size) {
		for (const [signal, words] of Object.entries(SIGNAL_VOCABULARY)) {
			if (words.length && new Set(words).size === signalWords.size && words.every((w) => signalWords.has(w))) return signal;
		}
	}
	return guessSignal(central);
}

/**
 * An issue's title from its central example, as a person would write it: "Claims it cannot access
 * the calendar", "Flight search tool times out", "Gives a 2024 date as today". The signal is taken
 * from `signalWords` (signalVocabulary(signal)) or, when that is empty, from the text's shape.
 * Prefer nameIssue/nameIssues (issue-names.ts): they use every member, the signal itself, and keep
 * titles unique. A text of no known signal is quoted: its sentence that shows the signal and
 * carries most of the cluster's keywords.
 */
export function issueTitle(keywords: string[], central: string, max = 80, signalWords?: ReadonlySet<string>): string {
	const signal = signalOf(signalWords, central);
	if (signal) {
		const { title } = nameIssue(signal, { texts: [central], central, keywords });
		if (title) return title.length <= max ? title : `${title.slice(0, title.lastIndexOf(" ", max - 1) > max / 2 ? title.lastIndexOf(" ", max - 1) : max - 1)}…`;
	}
	return quotedSentence(keywords, central, max, signalWords);
}

/** The central example's sentence that shows the signal and carries most of the keywords, trimmed at a word. */
export function quotedSentence(keywords: string[], central: string, max = 80, signalWords?: ReadonlySet<string>): string {
	let sentences = central
		.split(/(?<=[.!?])\s+|\n+/)
		.map((s) => s.trim())
		.filter(Boolean);
	// The sentence that shows the signal ("You can fill in the rest", "I can't schedule that"), when
	// there is one: the others say what the event was about but not what went wrong.
	const showing = signalWords?.size ? sentences.filter((s) => tokenize(s).some((w) => signalWords.has(w))) : [];
	if (showing.length) sentences = showing;
	if (sentences.length === 0) return clusterTitle(keywords, central);
	const words = (s: string) => new Set(tokenize(s).map(stem));
	const wanted = keywords.map((k) => stem(k.toLowerCase()));
	let best = sentences[0]!;
	let bestScore = -1;
	for (const s of sentences) {
		const have = words(s);
		const score = wanted.filter((k) => have.has(k)).length;
		if (score > bestScore) [best, bestScore] = [s, score];
	}
	if (best.length <= max) return best;
	const cut = best.slice(0, max - 1);
	return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2))}…`;
}

/**
 * An issue's one-sentence description from its central example ("The assistant says it cannot
 * access the user's calendar."). `signal`, `count` and `firstSeen` add what the caller knows
 * ("…, in 42 replies since Nov 18."). A text of no known signal: its keywords and the example.
 */
export function issueDescription(keywords: string[], central: string, signal?: string, count?: number, firstSeen?: number): string {
	const known = signal ?? guessSignal(central);
	if (known) return nameIssue(known, { texts: [central], central, keywords, count, firstSeen }).description;
	return `${keywords.length ? `${keywords.join(", ")}: ` : ""}${central}`.slice(0, 300);
}

export { type IntentCluster, intentDescription, intentName, nameIntents, requestCandidates } from "./intent-names";
export { type IssueCluster, type IssueName, nameIssue, nameIssues, signalLabel } from "./issue-names";
export { toolLabel } from "./namers";
