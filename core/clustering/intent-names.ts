import { isValueWord } from "./request-shape";
import {
	type Candidate,
	assignUnique,
	capitalise,
	centralFirst,
	contentStems,
	normalise,
	quote,
	rankCandidates,
	sentencesOf,
	usableKeyword,
} from "./naming-support";

/**
 * Intent names as the imperative of what users ask for: "Can you book me a hotel in Lisbon?" →
 * "Book a hotel", "What's the weather in Rome this weekend?" → "Get weather forecast". Politeness
 * ("can you", "please", "I want to") goes, values that vary (cities, dates, names, numbers) go, and
 * the phrase most members share names the cluster. Requests in other languages propose nothing:
 * the caller keeps its template name for them.
 */

/** Verbs users start requests with (base form). Not exhaustive: an unknown first word is not taken for a verb. */
const VERBS = new Set(
	(
		"add adjust apply approve arrange ask block book buy calculate call cancel change charge check choose clear close compare compose confirm connect convert copy " +
		"correct create delete describe design draft edit email enable disable estimate explain export fetch file find fix forward generate get give help hire import " +
		"invite join list locate lock log look make manage mark message move order organize organise pay pick plan play post print put rebook recommend record refund " +
		"register reject remind remove rename renew reorder repeat replace reply report request reschedule reserve reset restore review rewrite schedule search see select " +
		"sell send set share show sign sort split start stop submit subscribe suggest summarize summarise switch take tell text track transfer translate turn unblock " +
		"unlock unsubscribe update upgrade upload verify view write draw open read run save"
	).split(" "),
);

/** The verb a bare noun phrase asks for: "Cheapest flights to Rome?" → find; "a table for two" → book. */
const NOUN_VERB: [RegExp, string][] = [
	[/^(?:hotels?|rooms?|tables?|seats?|reservations?|appointments?|tickets?|rental cars?|cars?|taxis?|cabs?|tours?|spa|massage)$/, "book"],
	[/^(?:refunds?)$/, "get"],
];

/** Leading words that only make a request polite or indirect. Stripped again and again. */
const POLITE =
	/^(?:hi|hello|hey|hiya|yo|ok(?:ay)?|so|um+|uh+|well|please|pls|plz|kindly|quick question|question|also|and|now|then|just|can you|could you|would you|will you|can u|could u|would you mind|would it be possible to|is it possible to|are you able to|i(?:'d| would) like(?: you)? to|i want(?: you)? to|i wanna|i need(?: you)? to|i have to|i'm trying to|i am trying to|i'm looking to|i am looking to|i'd love to|help me(?: to)?|let's|let me|go ahead and|try to|i was wondering if you could|do you think you could|how do i|how can i|how to|how would i|can i|could i|may i|is there a way to|assistant|trailmate)\b[\s,!:.-]*/i;

/** Words that end the object: prepositions, time words, conjunctions. */
const STOP = new Set(
	"to in at for from on near with by about between during until till before after around via into under over within like per next this tomorrow today tonight asap now please pls that which who so and or if when because than while as".split(
		" ",
	),
);
const DROP = new Set(["my", "your", "our", "his", "her", "their", "the", "some", "any", "me", "us", "him", "them", "few", "couple", "of"]);
const PRONOUN_OBJECT = /^(?:me|us|him|her|them)$/i;

interface Word {
	raw: string;
	bare: string;
	lower: string;
	value: boolean;
	end: boolean;
}

function wordsOf(sentence: string, startAt: number): Word[] {
	const parts = sentence.split(/\s+/).filter(Boolean);
	return parts.map((raw, i) => {
		const bare = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}']+$/gu, "").replace(/'s$/, "'s");
		return { raw, bare, lower: bare.toLowerCase(), value: isValueWord(raw, i + startAt === 0) || /\d/.test(bare), end: /[,.;:!?…)]$/.test(raw) };
	});
}

/** The object after a verb: "me a quiet hotel near the old town in Lisbon" → ["a", "quiet", "hotel"], plus a kept "to <noun>". */
function objectOf(ws: Word[]): { np: string[]; pp: string[]; values: Word[] } {
	const np: string[] = [];
	const values: Word[] = [];
	let i = 0;
	if (ws[0] && PRONOUN_OBJECT.test(ws[0].lower)) i++;
	for (; i < ws.length && np.length < 4; i++) {
		const w = ws[i]!;
		if (!w.bare) continue;
		if (STOP.has(w.lower) && (np.some((x) => !/^(?:a|an)$/.test(x)) || values.length)) break;
		if (STOP.has(w.lower)) break;
		if (w.value) {
			values.push(w);
			if (w.end) break;
			continue;
		}
		if (!DROP.has(w.lower)) np.push(w.lower);
		if (w.end) break;
	}
	// "Add my flight to my calendar": a "to/in/on <noun>" that is no value names where it goes.
	const pp: string[] = [];
	const prep = ws[i];
	if (prep && /^(?:to|in|on|into)$/.test(prep.lower) && np.length && !ws[i - 1]?.end) {
		const rest: string[] = [];
		for (let j = i + 1; j < ws.length && rest.length < 2; j++) {
			const w = ws[j]!;
			if (w.value || STOP.has(w.lower)) break;
			if (!DROP.has(w.lower) && w.bare) rest.push(w.lower);
			if (w.end) break;
		}
		if (rest.length && rest.every((x) => /^[a-z]+$/.test(x))) pp.push(prep.lower, ...rest);
	}
	return { np, pp, values };
}

/** "a" / "an" as the next word wants; a dangling article goes. */
function tidy(words: string[]): string {
	const out: string[] = [];
	for (let i = 0; i < words.length; i++) {
		const w = words[i]!;
		if (/^(?:a|an)$/.test(w)) {
			const next = words[i + 1];
			if (!next || (/s$/.test(next) && !/ss$/.test(next))) continue;
			out.push(/^[aeio]/.test(next) || /^u[^n]|^un[^i]/.test(next) ? "an" : "a");
		} else out.push(w);
	}
	return out.join(" ");
}

/** For an object that was all values: "Text Maria …" → "Text a contact", "Block Saturday …" → "Block a day". */
function placeholder(values: Word[]): string[] {
	const v = values[0];
	if (!v) return [];
	if (/^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i.test(v.bare)) return ["a", "day"];
	if (/^\p{Lu}/u.test(v.bare) && !/\d/.test(v.bare)) return ["a", "contact"];
	return [];
}

function candidate(verb: string, np: string[], pp: string[] = [], weight = 1): Candidate[] {
	const head = tidy(
		np.slice(-2).length < np.length ? [...(np[0] === "a" || np[0] === "an" ? [np[0]] : []), ...np.slice(-2).filter((w) => w !== "a" && w !== "an")] : np,
	);
	const out: Candidate[] = [];
	const full = tidy([verb, ...np, ...pp]);
	const key = (s: string) => contentStems(s).join(" ") || s;
	out.push({ key: key(full), title: capitalise(full), words: [verb, ...np, ...pp], weight });
	const short = tidy([verb, ...head.split(" ").filter(Boolean)]);
	if (short !== full) out.push({ key: key(short), title: capitalise(short), words: [verb, ...head.split(" ")], weight });
	// The head noun alone ("Find a flight" from "Find a cheap direct flight"): the one most members share.
	// Where it goes, whatever goes there ("Add my flight / the hotel / my train to my calendar"): "Add to calendar".
	if (pp.length) {
		const where = tidy([verb, ...pp]);
		out.push({ key: key(where), title: capitalise(where), words: [verb, ...pp], weight });
	}
	const noun = np.filter((w) => w !== "a" && w !== "an").slice(-1);
	const bare = tidy([verb, ...(np[0] === "a" || np[0] === "an" ? [np[0]] : []), ...noun]);
	if (noun.length && bare !== short && bare !== full) out.push({ key: key(bare), title: capitalise(bare), words: [verb, ...noun], weight });
	return out;
}

/** Question shapes that say what is wanted without a verb to take. */
const QUESTION_TOPICS: [RegExp, string, string[]][] = [
	[/\b(?:weather|forecast|rain(?:ing|y)?|snow(?:ing|y)?|sunny|temperature|degrees|umbrella|storm|windy|humid)\b/i, "Get weather forecast", ["weather"]],
	[
		/\b(?:how much is|convert|exchange rate|in (?:euros?|dollars?|yen|pounds?|usd|eur|gbp|jpy))\b.*\b(?:euros?|dollars?|yen|pounds?|pesos?|francs?|usd|eur|gbp|jpy|currency)\b|\bexchange rate\b|\bcurrency\b/i,
		"Convert currency",
		["currency"],
	],
	[
		/\bwhat(?:'s| is) (?:today's date|the date(?: today)?)\b|\bwhat day (?:is it|is today|of the week)\b|\bwhat(?:'s| is) the day today\b/i,
		"Get today's date",
		["date"],
	],
	[/\bwhat time is it\b|\bwhat(?:'s| is) the (?:current )?time\b/i, "Get the time", ["time"]],
];

const SOCIAL: [RegExp, string][] = [
	[/^\W*(?:thanks?|thank you|thx|ty|cheers|perfect|great|awesome|you're a lifesaver|much appreciated|that worked|works now)\b/i, "Say thanks"],
	[/^\W*(?:hi|hello|hey|good (?:morning|afternoon|evening))\W*$/i, "Say hello"],
	[/\b(?:still waiting|any (?:update|news|luck)|are you (?:still )?there|hello\?|how long)/i, "Ask for progress"],
	[/\bdid you find (?:anything|it|something)\b/i, "Ask if it found anything"],
	[/^\W*(?:try again|again please|please try again|retry)\b/i, "Ask to try again"],
	[/\bnot what i (?:asked|wanted|meant)/i, "Say it's not what they asked for"],
	[/\b(?:why can't you|why won't you|it worked (?:last week|before|yesterday))\b/i, "Ask why it no longer works"],
	[/\b(?:that's wrong|you're wrong|that is wrong|incorrect)\b/i, "Say the answer is wrong"],
	[/\b(?:useless|stupid|pointless|terrible|rubbish|garbage)\b/i, "Call the assistant useless"],
];

const COMPLAINT_NAMES = new Set(["Say it's not what they asked for", "Ask why it no longer works", "Say the answer is wrong", "Call the assistant useless"]);

/** The names one request proposes. */
export function requestCandidates(text: string): Candidate[] {
	const all = sentencesOf(text);
	for (const [re, name] of SOCIAL) {
		if (!re.test(normalise(text))) continue;
		const own: Candidate = { key: name, title: name, words: [], weight: 0.9 };
		// Complaints in different words are one intent: the umbrella wins when no single kind does.
		return COMPLAINT_NAMES.has(name) ? [own, { key: "complain", title: "Complain about an answer", words: [], weight: 0.7 }] : [own];
	}
	const offset = 0;
	for (const sentence of all) {
		let s = normalise(sentence);
		let prev = "";
		while (s !== prev) {
			prev = s;
			s = s.replace(POLITE, "");
		}
		if (!s) continue;
		const lowered = s.toLowerCase();
		const question = /\?\s*$/.test(s) || /^(?:what|what's|whats|how|when|where|which|who|will|is|are|do|does|can|could|should|would|any)\b/i.test(s);
		const ws = wordsOf(s, offset);
		const first = ws[0]?.lower ?? "";
		// "I'm looking for a hotel", "I need a room in Berlin": the object after "need/want/looking for".
		const want = /^(?:i(?:'m| am)? (?:looking for|searching for|after)|looking for|i (?:need|want|would like|'d like)|need|want|i'd love)\s+(.+)$/i.exec(s);
		if (want) {
			const { np, values } = objectOf(wordsOf(want[1]!, 1));
			const nouns = np.length ? np : placeholder(values);
			if (!nouns.length) continue;
			const head = nouns.filter((w) => !/^(?:a|an)$/.test(w)).slice(-1)[0] ?? "";
			const verb = NOUN_VERB.find(([re]) => re.test(head))?.[1] ?? "find";
			return candidate(verb, nouns);
		}
		if (VERBS.has(first) && !(question && /^(?:is|are|do|does|will|can)$/.test(first))) {
			// "Look up", "sign up", "check in": keep the particle with the verb.
			const particle = ws[1] && /^(?:up|in|out|off|on|down|over)$/.test(ws[1].lower) && !ws[2]?.value ? ws[1].lower : "";
			const verb = particle ? `${first} ${particle}` : first;
			const { np, pp, values } = objectOf(ws.slice(particle ? 2 : 1));
			const nouns = np.length ? np : placeholder(values);
			if (!nouns.length && !pp.length) return [{ key: first, title: capitalise(verb), words: [first], weight: 0.6 }];
			const out = candidate(verb, nouns, pp);
			return pp.length ? [...out, ...candidate(verb, nouns)] : out;
		}
		if (question) {
			for (const [re, name, words] of QUESTION_TOPICS) if (re.test(lowered)) return [{ key: name, title: name, words }];
			const until = /^how (?:many|long)\s+(\w+)\s+(?:until|till|before|to)\s+(?:my |the |our )?(\w+)/i.exec(s);
			if (until) return candidate("count", [until[1]!.toLowerCase()], ["until", until[2]!.toLowerCase()]);
			const on = /^(?:what(?:'s| is)|whats)\s+on\s+(.+)$/i.exec(s);
			if (on) {
				const { np } = objectOf(wordsOf(on[1]!, 1));
				if (np.length) return candidate("check", np);
			}
			const what = /^(?:what(?:'s| is| are|'re)|whats|where(?:'s| is| are)|is there|are there|any|do you have|got any)\s+(.+)$/i.exec(s);
			if (what) {
				const { np } = objectOf(wordsOf(what[1]!, 1));
				if (np.length) return candidate(/^where/i.test(s) ? "find" : /^what/i.test(s) ? "get" : "find", np);
			}
			const when = /^when(?:'s| is| does| do)\s+(?:my |the )?(.+?)(?:\s+(?:leave|start|open|close|arrive|depart|end))?\?*$/i.exec(s);
			if (when) {
				const { np } = objectOf(wordsOf(when[1]!, 1));
				if (np.length)
					return candidate(
						"check",
						["time", "of", ...np].filter((w) => w !== "of" || np.length > 0),
						[],
						0.8,
					);
			}
			// A bare noun phrase asked about: "Cheapest flights to Rome in March?"
			const { np } = objectOf(ws);
			if (
				np.length &&
				np.length <= 4 &&
				/^(?:cheapest|cheap|best|direct|good|nearest|nice|quiet|late|early|last|next|one-way|return|round-trip|any|affordable|budget|nonstop|non-stop|top|available)$/.test(
					first,
				)
			) {
				const head = np.slice(-1)[0]!;
				return candidate(NOUN_VERB.find(([re]) => re.test(head))?.[1] ?? "find", np);
			}
		}
	}
	return [];
}

/** At most this many words in an intent name. */
const MAX_WORDS = 6;

export interface IntentCluster {
	texts: readonly string[];
	central?: string;
	keywords?: readonly string[];
}

/**
 * The intent's name, or null when too few of its members read as English requests (the caller then
 * keeps its template). Verbs that disagree over a shared noun ("Add my flight to my calendar", "What's
 * on my calendar?", "Block Saturday in my calendar") make "Manage calendar".
 */
export function intentName(texts: readonly string[], central?: string): string | null {
	return intentOptions({ texts, central })[0] ?? null;
}

function intentOptions(cluster: IntentCluster): string[] {
	const texts = centralFirst(cluster.texts, cluster.central).slice(0, 300);
	if (!texts.length) return [];
	const per = texts.map((t) => {
		try {
			return requestCandidates(t);
		} catch {
			return [];
		}
	});
	const proposing = per.filter((c) => c.length).length;
	if (proposing < Math.max(1, texts.length / 2)) return [];
	const ranked = rankCandidates(per, texts).filter((r) => r.title.split(" ").length <= MAX_WORDS);
	if (!ranked.length) return [];
	const verbs = new Map<string, number>();
	for (const cands of per)
		if (cands[0]) verbs.set(cands[0].title.split(" ")[0]!.toLowerCase(), (verbs.get(cands[0].title.split(" ")[0]!.toLowerCase()) ?? 0) + 1);
	const topVerb = Math.max(0, ...verbs.values()) / texts.length;
	const nounShare = new Map<string, number>();
	for (const t of texts) for (const w of new Set(contentStems(t))) nounShare.set(w, (nounShare.get(w) ?? 0) + 1);
	const options = ranked.map((r) => r.title);
	// Many actions on one thing: the thing, managed.
	if (verbs.size >= 3 && topVerb < 0.3) {
		const shared = [...nounShare].filter(([w, c]) => c / texts.length >= 0.5 && !verbs.has(w)).sort((a, b) => b[1] - a[1])[0];
		const surface = shared && surfaceOf(shared[0], texts);
		if (surface) options.unshift(`Manage ${surface}`);
	}
	return [...new Set(options)];
}

/** The written form of a stem in the texts ("calendar" for "calendar"). */
function surfaceOf(stemmed: string, texts: string[]): string | undefined {
	for (const t of texts) for (const w of t.toLowerCase().match(/[a-z]+/g) ?? []) if (contentStems(w)[0] === stemmed) return w;
	return undefined;
}

/** Names for a batch of intents (largest first), distinct from each other and from `taken`; null where none reads as a request. */
export function nameIntents(clusters: readonly IntentCluster[], taken: Iterable<string> = []): (string | null)[] {
	const options = clusters.map(intentOptions);
	const idx = clusters.map((_, i) => i).filter((i) => options[i]!.length);
	const names = assignUnique(
		idx,
		(i) => options[i]!,
		(i) => {
			const kws = (clusters[i]!.keywords ?? []).filter((k) => usableKeyword(k) && !options[i]![0]!.toLowerCase().includes(k.toLowerCase()));
			return kws.slice(0, 2).map((k) => `${options[i]![0]} (${k})`);
		},
		taken,
	);
	const out: (string | null)[] = clusters.map(() => null);
	idx.forEach((i, k) => (out[i] = names[k]!));
	return out;
}

/**
 * "while booking a room" for the intent "Book a room": what users were doing when an issue hit
 * them, to tell two same-named issues apart. Null when the name does not start with a known verb
 * (an intent named by a template of inputs in another language).
 */
export function whileDoing(intentName: string): string | null {
	const [verb, ...rest] = intentName.trim().split(/\s+/);
	if (!verb || !VERBS.has(verb.toLowerCase()) || !rest.length) return null;
	return `while ${gerund(verb.toLowerCase())} ${rest.join(" ")}`;
}

/** English -ing form of a base verb: book → booking, write → writing, get → getting, see → seeing. */
export function gerund(verb: string): string {
	if (/ie$/.test(verb)) return `${verb.slice(0, -2)}ying`;
	if (/[^aeioy]e$/.test(verb)) return `${verb.slice(0, -1)}ing`;
	// One syllable ending consonant-vowel-consonant doubles its last letter (plan → planning, not open → opening).
	if ((verb.match(/[aeiou]+/g) ?? []).length === 1 && /[^aeiou][aeiou][bdgklmnprt]$/.test(verb)) return `${verb}${verb.at(-1)}ing`;
	return `${verb}ing`;
}

/** One sentence about an intent: "Users ask to book a hotel, e.g. "Book a hotel in Lisbon for 3 nights"." */
export function intentDescription(name: string, cluster: IntentCluster & { count?: number }): string {
	const texts = centralFirst(cluster.texts, cluster.central);
	const ask = name.charAt(0).toLowerCase() + name.slice(1);
	const example = texts[0] ? `, e.g. ${quote(texts[0])}` : "";
	const count = cluster.count ?? texts.length;
	const requests = `${count} request${count === 1 ? "" : "s"}`;
	// A name the namer could not read as a request (another language: the template of its inputs).
	if (intentName(cluster.texts, cluster.central) === null) return `Requests like ${quote(texts[0] ?? name)} (${requests}).`.slice(0, 300);
	const lead = /^(?:say|ask|call|complain) /i.test(name) ? `Users ${ask}` : `Users ask to ${ask}`;
	return `${lead}${example} (${requests}).`.slice(0, 300);
}
