import {
	assignUnique,
	capitalise,
	centralFirst,
	contentStems,
	countTail,
	normalise,
	quote,
	rankCandidates,
	sentencesOf,
	usableKeyword,
} from "./naming-support";
import { NAMERS } from "./namers";
import { whileDoing } from "./intent-names";
import { MAX_DATE_MS } from "../timestamps";

/**
 * Issue names a person would write, offline: "Claims it cannot access the calendar", "Flight search
 * tool times out", "Gives a 2024 date as today", "Users correct the number of travellers". Each
 * member proposes names from the clause that carries its signal (the refusal's "can't <verb>
 * <object>", the tool's error, the user's correction); the name most members support wins.
 * Unknown (custom) signals are named by their most representative sentence, as before.
 */

export interface IssueCluster {
	/** The members' texts (the text that best says what went wrong: the reply, the user's message, the tool error). */
	texts: readonly string[];
	/** The member closest to the cluster's centre; named first among equals. */
	central?: string;
	/** The cluster's distinctive words (c-TF-IDF), used to tell colliding names apart. */
	keywords?: readonly string[];
	/** The intent most of the members came with ("Book a room"), when one is known: tells same-named issues apart. */
	intent?: string;
	/** Events in the issue, and when the first and last were seen (epoch ms), for the description. */
	count?: number;
	firstSeen?: number;
	lastSeen?: number;
}

export interface IssueName {
	title: string;
	description: string;
}

/** The most representative sentence of the central example, trimmed: names of custom signals. */
function quotedTitle(texts: string[], keywords: readonly string[], max = 80): string {
	const wanted = keywords.flatMap((k) => contentStems(k));
	let best = "";
	let bestScore = -1;
	for (const s of sentencesOf(texts[0] ?? "")) {
		const have = new Set(contentStems(s));
		const score = wanted.filter((k) => have.has(k)).length;
		if (score > bestScore) [best, bestScore] = [s, score];
	}
	best ||= normalise(texts[0] ?? "");
	if (best.length <= max) return best.replace(/[.!]+$/, "");
	const cut = best.slice(0, max - 1);
	return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2))}…`;
}

/** A signal's name as words: "user_frustration" → "User frustration". */
export function signalLabel(signal: string): string {
	return capitalise(signal.replace(/[_-]+/g, " ").trim()) || "Signal";
}

interface Named {
	options: string[];
	description: string;
	/** Distinguishing suffixes for when the first option is taken, most meaningful first (" while booking a room", " (calendar)"). */
	details: string[];
}

/** Every name the cluster could take, best first, and the description of the best. */
function nameOptions(signal: string, cluster: IssueCluster, now?: number): Named {
	const texts = centralFirst(cluster.texts, cluster.central).slice(0, 200);
	const keywords = cluster.keywords ?? [];
	const namer = NAMERS[signal];
	const noun: [string, string] = namer?.noun ?? ["event", "events"];
	const tail = `${countTail(cluster.count, noun, cluster.firstSeen, now)}.`;
	const details = distinguishing(keywords, texts, cluster, now);
	if (!texts.length) return { options: [signalLabel(signal)], description: `${signalLabel(signal)}${tail}`, details };
	if (!namer) {
		const title = quotedTitle(texts, keywords);
		return { options: [title], description: `${signalLabel(signal)}: ${quote(texts[0]!, 120)}${tail}`, details };
	}
	const ranked = rankCandidates(
		texts.map((t) => {
			try {
				return namer.candidates(t);
			} catch {
				return [];
			}
		}),
		texts,
	);
	if (!ranked.length) {
		const f = namer.fallback(texts, keywords);
		return { options: [f.title], description: `${f.description}${tail}`, details };
	}
	const options = [...new Set(ranked.map((r) => capitalise(r.title)))];
	const description = `${capitalise(namer.describe(ranked[0]!, { texts, keywords }))}${tail}`;
	return { options, description, details };
}

/**
 * What can tell two same-named issues apart, as title suffixes: what users were doing (their
 * intent), the cluster's distinctive words, when it started, the central example's own words, and
 * last the minute of its first event (never a bare "(2)": a number says nothing about the issue).
 */
function distinguishing(keywords: readonly string[], texts: string[], cluster: IssueCluster, now?: number): string[] {
	const out: string[] = [];
	const doing = cluster.intent ? whileDoing(cluster.intent) : null;
	if (doing) out.push(` ${doing}`);
	const kws = keywords.filter(usableKeyword);
	if (kws[0]) out.push(` (${kws[0]})`);
	if (kws.length >= 2) out.push(` (${kws[0]}, ${kws[1]})`);
	if (doing && kws[0]) out.push(` ${doing} (${kws[0]})`);
	if (cluster.firstSeen !== undefined) out.push(` (since ${shortDateOf(cluster.firstSeen, now)})`);
	// Words of the central example no keyword named: the example's most specific content words.
	const extra = (texts[0] ?? "").match(/\p{L}[\p{L}'-]{3,}/gu)?.filter((w) => usableKeyword(w) && !kws.includes(w.toLowerCase())) ?? [];
	for (const w of extra.slice(-2)) out.push(` (${w.toLowerCase()})`);
	if (cluster.firstSeen !== undefined && Math.abs(cluster.firstSeen) <= MAX_DATE_MS) {
		out.push(` (first seen ${shortDateOf(cluster.firstSeen, now)}, ${new Date(cluster.firstSeen).toISOString().slice(11, 16)} UTC)`);
	}
	return out;
}

function shortDateOf(ms: number, now?: number): string {
	return countTail(undefined, ["", ""], ms, now).replace(/^, since /, "");
}

/**
 * An issue's title and one-sentence description, from its members. `taken`: titles already used
 * by the project's other issues (any signal); a name one of them has gains the detail that tells it apart.
 */
export function nameIssue(signal: string, cluster: IssueCluster, taken: Iterable<string> = [], now?: number): IssueName {
	return nameIssues(signal, [cluster], taken, now)[0]!;
}

/** Names for several issues of one signal (largest first), distinct from each other and from `taken`. */
export function nameIssues(signal: string, clusters: readonly IssueCluster[], taken: Iterable<string> = [], now?: number): IssueName[] {
	const named = clusters.map((c) => nameOptions(signal, c, now));
	const titles = assignUnique(
		named,
		(n) => n.options,
		(n) => n.details.map((d) => `${n.options[0]}${d}`),
		taken,
	);
	return named.map((n, i) => ({ title: clipTitle(titles[i]!), description: n.description.slice(0, 300) }));
}

function clipTitle(title: string, max = 90): string {
	const t = title
		.replace(/\s+/g, " ")
		.replace(/[.!]+$/, "")
		.trim();
	if (t.length <= max) return t;
	const cut = t.slice(0, max - 1);
	return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max / 2))}…`;
}
