import { type Candidate, capitalise, clipWords, contentStems, normalise, quote, type Ranked, sentencesOf, singular, thirdPerson } from "./naming-support";

/**
 * What each signal's issues are called: per signal, the names one member proposes from the clause
 * that carries the signal (the refusal's "can't <verb> <object>", the tool's error, the user's
 * correction), the noun its events are counted in, and its description. issue-names.ts votes
 * among members and keeps names unique. A new signal's namer is one entry of NAMERS.
 */

/** A candidate's description clause: what the assistant or the users do, without the count. */
export type Describe = (c: Ranked, cluster: { texts: string[]; keywords: readonly string[] }) => string;

export interface SignalNamer {
	/** Names one member proposes. */
	candidates: (text: string) => Candidate[];
	/** What the events are counted as: "replies", "messages", "calls". */
	noun: [string, string];
	describe: Describe;
	/** When no member proposes anything. */
	fallback: (texts: string[], keywords: readonly string[]) => { title: string; description: string };
}

// ---------------------------------------------------------------------------------------------
// refusal: the "I can't <verb> <object>" clause

const LEAD = String.raw`\bI(?:\s+(?:really|just|simply|currently|still|unfortunately|actually|personally|honestly))?`;
const REFUSALS: { kind: "access" | "only" | "allowed" | "cannot" | "wont"; re: RegExp }[] = [
	{ kind: "access", re: new RegExp(String.raw`${LEAD}\s+(?:do not|don't)\s+(?:currently\s+|actually\s+)?have\s+(?:any\s+|direct\s+|the\s+)?access\s+to\s+(.+)|${LEAD}\s+have\s+no\s+(?:direct\s+)?access\s+to\s+(.+)`, "i") },
	{ kind: "only", re: new RegExp(String.raw`${LEAD}(?:'m|\s+am)?(?:\s+can)?\s+only\s+(?:be\s+able\s+to\s+|able\s+to\s+|allowed\s+to\s+|permitted\s+to\s+)?(.+)`, "i") },
	{ kind: "allowed", re: new RegExp(String.raw`${LEAD}(?:'m|\s+am)\s+not\s+(?:allowed|permitted|authori[sz]ed)\s+to\s+(.+)`, "i") },
	{
		kind: "cannot",
		re: new RegExp(
			String.raw`${LEAD}\s+(?:can't|cannot|can not|won't be able to|will not be able to|am not able to|have no way to|(?:do not|don't) have (?:the )?(?:ability|means|capability|tools?|permission) to)\s+(.+)|${LEAD}(?:'m|\s+am)\s+(?:currently\s+|still\s+|afraid\s+I\s+(?:'m|am)\s+)?(?:unable|not able|not equipped|not designed|not programmed|not set up)\s+to\s+(.+)`,
			"i",
		),
	},
	{ kind: "wont", re: new RegExp(String.raw`${LEAD}\s+(?:won't|will not|must decline to|have to decline to|refuse to|would rather not|'d rather not)\s+(.+)`, "i") },
];

/** Where a refused clause ends: the next clause, a reason, a softener. */
const CLAUSE_END =
	/\s*(?:[,;:.!?()]|\s-\s|—|\b(?:so|because|but|as|since|unless|until|though|although|however|and I|or any|at the moment|at this time|right now|for you|on your behalf|for privacy reasons|due to|in this chat|here)\b).*$/i;
const VP_LEAD = /^(?:directly|currently|actually|really|personally|even|help you|do that and)\s+/i;

/** The refused verb phrase, cleaned: "access your calendar, so…" → "access your calendar". */
function refusedPhrase(raw: string): string {
	let vp = normalise(raw).replace(CLAUSE_END, "").replace(VP_LEAD, "").trim();
	vp = vp.replace(/\s+(?:anymore|any more|either|though|sorry|unfortunately|please)$/i, "").trim();
	// "requests that aren't in English" → "requests not in English"
	vp = vp.replace(/\b(\w+) (?:that|which) (?:aren't|are not|isn't|is not) /i, "$1 not ");
	return clipWords(vp, 8);
}

/** The refused verb phrase up to its object: cut at the first preposition or "you …" clause after a noun. */
function shortObject(vp: string): string {
	const words = vp.split(" ");
	for (let i = 2; i < words.length; i++) {
		if (/^(?:from|on|in|at|for|with|into|onto|via|through|you|that|which|using|outside|inside|within|across)$/i.test(words[i]!)) return words.slice(0, i).join(" ");
	}
	return vp;
}

/** "help with that", "do this": a refusal that does not say what was refused. */
const VAGUE = /^(?:help|assist|do|answer|comply|fulfil+|provide|complete|continue|proceed)(?:\s+(?:you\s+)?(?:with\s+)?(?:that|this|it|so|your request|this request|that request|the request|requests? like (?:this|that)))?$/i;

const refusal: SignalNamer = {
	noun: ["reply", "replies"],
	candidates(text) {
		const out: Candidate[] = [];
		for (const sentence of sentencesOf(text)) {
			for (const { kind, re } of REFUSALS) {
				const m = re.exec(sentence);
				const raw = m?.slice(1).find((g) => g !== undefined);
				if (!raw) continue;
				let vp = refusedPhrase(raw);
				if (!vp || !/\p{L}/u.test(vp)) continue;
				if (kind === "access") vp = `access ${vp}`;
				const title = thirdPerson(vp, "title");
				const head = kind === "only" ? "Says it can only" : kind === "allowed" ? "Says it is not allowed to" : kind === "wont" ? "Refuses to" : "Claims it cannot";
				const kindKey = kind === "access" ? "cannot" : kind;
				const weight = VAGUE.test(vp) ? 0.5 : 1;
				out.push({ key: `${kindKey}:${contentStems(title).join(" ")}`, title: `${head} ${title}`, words: [title], weight, detail: { kind, vp: thirdPerson(vp, "description") } });
				// The verb and its object alone ("open files from your computer" → "open files"): what
				// differently worded members have in common.
				const short = shortObject(vp);
				if (short !== vp) {
					const t = thirdPerson(short, "title");
					out.push({ key: `${kindKey}:${contentStems(t).join(" ")}`, title: `${head} ${t}`, words: [t], weight, detail: { kind, vp: thirdPerson(short, "description") } });
				}
				break;
			}
			if (out.length) break;
		}
		if (!out.length && /\b(?:I'm|I am)\s+(?:just\s+|only\s+)?(?:an AI|a language model|a text-based|an AI language model)/i.test(text)) {
			out.push({ key: "just-ai", title: "Says it is just an AI", words: [], weight: 0.6, detail: { kind: "ai" } });
		}
		return out;
	},
	describe(c) {
		const vp = c.detail?.vp ?? "";
		switch (c.detail?.kind) {
			case "only":
				return `The assistant says it can only ${vp}`;
			case "allowed":
				return `The assistant says it is not allowed to ${vp}`;
			case "wont":
				return `The assistant refuses to ${vp}`;
			case "ai":
				return "The assistant declines, saying it is just an AI";
			default:
				return `The assistant says it cannot ${vp}`;
		}
	},
	fallback: (texts, keywords) => ({
		title: keywords.length ? `Declines requests about ${keywords.slice(0, 2).join(" and ")}` : "Declines requests",
		description: `The assistant declines requests${keywords.length ? ` about ${keywords.slice(0, 3).join(", ")}` : ""}, e.g. ${quote(texts[0] ?? "")}`,
	}),
};

// ---------------------------------------------------------------------------------------------
// tool_failure / tool_loop: "search_flights: 504 Gateway Timeout…", "search_flights called 3× with 3 errors"

/** What a tool's verb is as a noun, for "flight search", "hotel booking". */
const TOOL_VERBS: Record<string, string> = {
	search: "search", find: "search", lookup: "lookup", look: "lookup", get: "lookup", fetch: "lookup", query: "query", list: "listing",
	book: "booking", reserve: "reservation", create: "creation", update: "update", delete: "deletion", remove: "removal", send: "sending",
	check: "check", convert: "conversion", translate: "translation", schedule: "scheduling", cancel: "cancellation", calculate: "calculation",
	run: "run", execute: "execution", upload: "upload", download: "download", generate: "generation", pay: "payment", refund: "refund",
	track: "tracking", verify: "verification", validate: "validation", parse: "parsing", read: "reading", write: "writing", save: "saving",
	post: "posting", notify: "notification", summarize: "summary", summarise: "summary", scrape: "scraping", browse: "browsing", transcribe: "transcription",
};
const ACRONYMS = new Set(["api", "url", "sql", "http", "db", "pdf", "csv", "sms", "crm", "id", "ai", "llm", "gpt", "json", "xml", "ocr"]);

/** "search_flights" → "Flight search", "getWeather" → "Weather lookup", "calendar.create_event" → "Calendar event creation". */
export function toolLabel(name: string): string {
	const words = name
		.replace(/([a-z0-9])([A-Z])/g, "$1 $2")
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((w) => w.toLowerCase());
	if (!words.length) return "A tool";
	const at = words.findIndex((w) => TOOL_VERBS[w]);
	let label: string[];
	if (at >= 0 && at < words.length - 1) {
		label = [...words.slice(0, at), ...words.slice(at + 1).map(singular), TOOL_VERBS[words[at]!]!];
	} else label = words;
	return capitalise(label.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w)).join(" "));
}

const TOOL_ERRORS: [RegExp, (m: RegExpExecArray) => string, string][] = [
	[/time[sd]?[ -]?out|timeout|timed out|\b504\b|deadline exceeded|etimedout|did not (?:answer|respond)|no response/i, () => "times out", "timeout"],
	[/\b429\b|rate[ -]?limit|too many requests|quota/i, () => "hits rate limits", "ratelimit"],
	[/\b40[13]\b|unauthori[sz]ed|forbidden|permission denied|access denied|invalid (?:api )?(?:key|token)|expired token|authenticat/i, () => "is refused access", "auth"],
	[/\b404\b|not found|no such|does not exist|doesn't exist/i, () => "finds nothing", "notfound"],
	[/econnrefused|econnreset|enotfound|connection (?:refused|reset|closed|error)|network|socket hang up|unreachable|\bdns\b/i, () => "cannot connect", "connect"],
	[/\b(5\d\d)\b/, (m) => `returns ${m[1]} errors`, "5xx"],
	[/internal server error|service unavailable|bad gateway|server error|unavailable|overloaded/i, () => "returns server errors", "5xx"],
	[/\b4(?:00|22)\b|invalid|validation|missing (?:required )?(?:param|field|argument)|bad request|schema|required (?:param|field|argument)|must be/i, () => "rejects its arguments", "args"],
	[/json|unexpected token|parse error|could not parse|syntax error/i, () => "returns unreadable output", "parse"],
	[/cancel+ed|abort/i, () => "is cancelled", "cancel"],
];

function toolParts(text: string): { tool: string; error: string } | null {
	const m = /^\s*([\w.:/-]{2,80}?):\s+([\s\S]+)$/.exec(normalise(text));
	return m ? { tool: m[1]!, error: m[2]! } : null;
}

const toolFailure: SignalNamer = {
	noun: ["failed call", "failed calls"],
	candidates(text) {
		const parts = toolParts(text);
		const error = parts?.error ?? normalise(text);
		const label = parts ? `${toolLabel(parts.tool)} tool` : "A tool";
		for (const [re, says, kind] of TOOL_ERRORS) {
			const m = re.exec(error);
			if (m) return [{ key: `${parts?.tool ?? ""}:${kind}:${says(m)}`, title: `${label} ${says(m)}`, words: [], detail: { tool: parts?.tool ?? "", error } }];
		}
		return [{ key: `${parts?.tool ?? ""}:fails`, title: `${label} fails`, words: [], weight: 0.8, detail: { tool: parts?.tool ?? "", error } }];
	},
	describe: (c) => `${c.detail?.tool ? `The ${c.detail.tool} tool` : "A tool call"} fails with ${quote(c.detail?.error ?? "", 100)}`,
	fallback: (texts) => ({ title: "A tool call fails", description: `A tool call fails, e.g. ${quote(texts[0] ?? "")}` }),
};

const toolLoop: SignalNamer = {
	noun: ["event", "events"],
	candidates(text) {
		const m = /^\s*(\S+?) called (\d+)\s*(?:×|x|times)\s*(?:with (\d+) errors?)?/i.exec(normalise(text));
		if (!m) {
			const parts = toolParts(text);
			return parts ? [{ key: `loop:${parts.tool}`, title: `Keeps retrying the failing ${toolLabel(parts.tool).toLowerCase()} tool`, words: [], detail: { tool: parts.tool } }] : [];
		}
		return [{ key: `loop:${m[1]}`, title: `Keeps retrying the failing ${lowerLabel(m[1]!)}`, words: [], detail: { tool: m[1]!, calls: m[2]!, errors: m[3] ?? "" } }];
	},
	describe(c, { texts }) {
		const most = Math.max(0, ...texts.map((t) => Number(/called (\d+)/.exec(t)?.[1] ?? 0)));
		return `The assistant calls ${c.detail?.tool ?? "a tool"} again and again while it keeps failing${most ? ` (up to ${most} calls in one conversation)` : ""}`;
	},
	fallback: (texts) => ({ title: "Keeps retrying a failing tool", description: `The assistant calls a failing tool again and again, e.g. ${quote(texts[0] ?? "")}` }),
};

/** "search_flights" → "flight search" (lower case unless an acronym). */
function lowerLabel(tool: string): string {
	const label = toolLabel(tool);
	return /^[A-Z]{2,}\b/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

// ---------------------------------------------------------------------------------------------
// wrong_date: "Today is March 3, 2024."

const STATED_DATE =
	/\b(?:today(?:'s date)? is|it(?:'s| is)(?: currently| now)?|the (?:current|present) (?:date|year) is|(?:we are|we're) (?:currently )?in(?: the year)?|this year(?:,| is)|as of today,?|the date is|current date:?)\s+(?:[A-Za-z]+,?\s+)?(?:[A-Za-z]+\s+\d{1,2}(?:st|nd|rd|th)?,?\s+|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]+,?\s+|\d{1,2}[./-]\d{1,2}[./-])?((?:19|20)\d{2})\b/i;
const DATE_COMPLAINT = /\b(?:wrong|incorrect|outdated|old|not right|isn't right|is not right|off)\b[^.?!]*\b(?:date|year|day)\b|\b(?:date|year|day)\b[^.?!]*\b(?:wrong|incorrect|outdated|not right|isn't right|is off)\b|\bit(?:'s| is) not (?:19|20)\d{2}\b/i;

const wrongDate: SignalNamer = {
	noun: ["reply", "replies"],
	candidates(text): Candidate[] {
		const t = normalise(text);
		if (DATE_COMPLAINT.test(t)) return [{ key: "users-date", title: "Users say the date is wrong", words: ["date"], detail: { kind: "user", example: t } }];
		const m = STATED_DATE.exec(t);
		if (m) {
			const yearOnly = /year/i.test(m[0]) || /^\D*(?:19|20)\d{2}$/.test(m[0].replace(/^.*?(?:is|in|year,?)\s+/i, ""));
			return [
				{ key: `year:${m[1]}`, title: yearOnly ? `Says the current year is ${m[1]}` : `Gives a ${m[1]} date as today`, words: [m[1]!], detail: { kind: "year", year: m[1]!, example: t } },
				{ key: "date", title: "Gives a wrong date as today", words: [], weight: 0.6, detail: { kind: "date", example: t } },
			];
		}
		if (/\b(?:19|20)\d{2}\b/.test(t)) return [{ key: "date", title: "Gives a wrong date as today", words: [], weight: 0.8, detail: { kind: "date", example: t } }];
		return [];
	},
	describe(c) {
		if (c.detail?.kind === "user") return `Users say the date the assistant gave is wrong (e.g. ${quote(c.detail.example ?? "")})`;
		if (c.detail?.kind === "year") return `The assistant gives a date in ${c.detail.year} as today's (e.g. ${quote(c.detail.example ?? "")})`;
		return `The assistant states a date that does not match when it was asked (e.g. ${quote(c.detail?.example ?? "")})`;
	},
	fallback: (texts) => ({ title: "Gives a wrong date as today", description: `The assistant states a date that does not match when it was asked, e.g. ${quote(texts[0] ?? "")}` }),
};

// ---------------------------------------------------------------------------------------------
// user_frustration: corrections, rejections, waiting

const COUNTED = /\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(people|persons|adults|travell?ers|passengers|guests|kids|children|rooms|nights|days|tickets|bags|seats|beds|stops|hours|weeks)\b/i;
const TIME_VALUE = /\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\bo'clock\b|\b(?:noon|midnight)\b/i;
const DATE_VALUE = /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\b\d{1,2}(?:st|nd|rd|th)\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|weekend)\b|\b\d{1,2}[./-]\d{1,2}\b/i;
const MONEY_VALUE = /[$€£¥]\s?\d|\b\d+\s?(?:dollars|euros|pounds|usd|eur|gbp|k)\b|\bbudget\b/i;

/** What a corrected value is about: "4 people" → "the number of people". */
function correctedSlot(value: string, whole: string): string | null {
	const v = value.trim();
	const counted = COUNTED.exec(v);
	if (counted) {
		const noun = counted[2]!.toLowerCase();
		return `the number of ${noun === "persons" ? "people" : noun === "kids" ? "children" : noun}`;
	}
	if (MONEY_VALUE.test(v)) return "the budget";
	if (TIME_VALUE.test(v)) return "the time";
	if (DATE_VALUE.test(v)) return "the dates";
	if (/^\W*\d+\W*$/.test(v)) return "a number";
	const proper = /\b(?:to|from|in|at|near)?\s*([A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+)*)/u.exec(v);
	if (proper && proper.index === 0 || /^(?:to|from|in)\s+\p{Lu}/u.test(v)) {
		if (/\bfrom\s+\p{Lu}/u.test(v) || /\bfrom\s+\p{Lu}/u.test(whole)) return "the departure city";
		if (/\b(?:to|in)\s+\p{Lu}/u.test(v) || /\b(?:fly|flying|go|going|travel|trip)\b/i.test(whole)) return "the destination";
		return "a name or place";
	}
	const words = v.toLowerCase().match(/[a-z]+/g)?.filter((w) => !/^(?:a|an|the|my|our|just|only|one|not|please|and|or|i|it|that|this|is)$/.test(w)) ?? [];
	if (words.length >= 1 && words.length <= 3 && !/^(?:what|which|how|when|where|who|why)$/.test(words[0]!)) return `the ${words[words.length - 1]}`;
	return null;
}

const CORRECTIONS = [
	/^\W*(?:no|nope|wrong|not quite|actually)[,!.]*\s+(?:i (?:said|meant|asked for|wanted|need|want|told you)|it(?:'s| is| was| should be)|it's supposed to be|that should be|make it)\s+([^.!?]+)/i,
	/\bi (?:said|meant|asked for|told you)\s+([^.!?,]+?)(?:,?\s+not\b|[.!?,]|$)/i,
	/\b(?:it(?:'s| is)|it should be|should be|make it|change it to)\s+([^.!?,]+?),?\s+not\s+[^.!?]+/i,
	/\bnot\s+[^.!?,]+?,\s*(?:but\s+)?([^.!?]+)/i,
];

const FRUSTRATION_KINDS: { kind: string; re: RegExp; title: string; describe: string }[] = [
	{ kind: "language", re: /\b(?:auf deutsch|en espa[nñ]ol|en fran[cç]ais|in italiano|em portugu[eê]s|kein englisch|no hablo ingl[eé]s|in (?:spanish|german|french|italian|portuguese|my language))\b/i, title: "Users ask for replies in their own language", describe: "Users ask to be answered in their own language" },
	{ kind: "waiting", re: /\b(?:still waiting|any (?:update|news|results?|luck)|did you find (?:anything|it)|are you (?:still )?there|hello\?|anyone there|taking (?:so|too) long|how long)\b/i, title: "Users are left waiting for results", describe: "Users ask again for results that do not come" },
	{ kind: "retry", re: /^\W*(?:try again|again please|please try again|one more time)\b/i, title: "Users ask it to try again", describe: "Users ask the assistant to try again" },
	{ kind: "not-asked", re: /\bnot what i (?:asked|wanted|meant|need|said|requested)|\bthat's not what\b|\bi didn't ask (?:for|you)\b|\bnot what i'm asking\b/i, title: "Users say it's not what they asked for", describe: "Users say the answer is not what they asked for" },
	{ kind: "told", re: /\bi (?:already |just )?(?:told|said|explained|gave) (?:you|it|that)\b|\bi already (?:told|said|gave|mentioned)\b/i, title: "Users say they already told it", describe: "Users say they already told the assistant what they need" },
	{ kind: "worked", re: /\b(?:worked|used to work|was working|could do (?:it|this|that))\s+(?:fine\s+)?(?:last (?:week|time|month)|yesterday|before|earlier|until)\b/i, title: "Users say it used to work", describe: "Users say this used to work" },
	{ kind: "listening", re: /\b(?:not listening|don't (?:get|understand) (?:it|me)|doesn't understand|you're not (?:getting|understanding)|read (?:my|what i))\b/i, title: "Users say it isn't listening", describe: "Users say the assistant is not listening to them" },
	{ kind: "why-cant", re: /\bwhy (?:can't|cannot|won't|don't|can you not) you\b/i, title: "Users ask why it won't help", describe: "Users ask why the assistant will not do what they ask" },
	{ kind: "wrong", re: /\b(?:wrong|incorrect|not right|isn't right|mistake|made that up|not true|that's false)\b/i, title: "Users say the answer is wrong", describe: "Users say the assistant's answer is wrong" },
	{ kind: "insult", re: /\b(useless|stupid|pointless|terrible|awful|garbage|rubbish|worthless|dumb|ridiculous|hopeless|annoying|pathetic|idiot(?:ic)?|trash)\b/i, title: "Users call it useless", describe: "Users call the assistant useless" },
	{ kind: "again", re: /\b(?:again|still|same (?:thing|answer|mistake)|keep(?:s)? (?:doing|saying|giving))\b/i, title: "Users say it keeps making the same mistake", describe: "Users say the assistant keeps making the same mistake" },
	{ kind: "vent", re: /^\W*(?:ugh+|argh+|wtf|omg|seriously|come on|for god's sake|ffs)\b|!{2,}/i, title: "Users vent in frustration", describe: "Users vent their frustration" },
];

const COMPLAINTS = new Set(["not-asked", "told", "worked", "listening", "why-cant", "wrong", "insult", "again", "vent"]);

const frustration: SignalNamer = {
	noun: ["message", "messages"],
	candidates(text) {
		const t = normalise(text);
		const out: Candidate[] = [];
		for (const re of CORRECTIONS) {
			const m = re.exec(t);
			const slot = m && correctedSlot(m[1]!, t);
			if (slot) {
				// "4 people", "3 travellers", "2 adults": one correction, whichever word the member used.
				const key = /^the number of (?:people|adults|travell?ers|passengers|guests|children)$/.test(slot) ? "the number of people" : /^(?:the destination|the departure city|a name or place)$/.test(slot) ? "place" : slot;
				out.push({ key: `correct:${key}`, title: `Users correct ${slot}`, words: [], weight: 1.1, detail: { kind: "correct", slot, example: t } });
				break;
			}
		}
		for (const k of FRUSTRATION_KINDS) {
			if (!k.re.test(t)) continue;
			if (k.kind === "insult") {
				const word = k.re.exec(t)![1]!.toLowerCase();
				out.push({ key: "insult", title: `Users call it ${word}`, words: [], detail: { kind: k.kind, example: t } });
			} else if (k.kind === "wrong" && /\b(date|time|price|address|number|name|city|hotel|flight|booking|total|amount|answer|translation|weather|results?)\b/i.test(t)) {
				const thing = /\b(date|time|price|address|number|name|city|hotel|flight|booking|total|amount|answer|translation|weather|results?)\b/i.exec(t)![1]!.toLowerCase();
				const verb = thing.endsWith("s") ? "are" : "is";
				out.push({ key: `wrong:${thing}`, title: `Users say the ${thing} ${verb} wrong`, words: [thing], detail: { kind: k.kind, thing, example: t } });
			} else out.push({ key: k.kind, title: k.title, words: [], weight: k.kind === "vent" || k.kind === "again" ? 0.7 : 1, detail: { kind: k.kind, example: t } });
			if (out.length >= 2) break;
		}
		// Users who push back in different words are one issue: the umbrella wins when no single kind does.
		if (out.some((c) => COMPLAINTS.has(c.detail?.kind ?? ""))) out.push({ key: "reject", title: "Users reject the answers", words: [], weight: 0.8, detail: { kind: "reject", example: t } });
		return out;
	},
	describe(c) {
		const example = c.detail?.example ? ` (e.g. ${quote(c.detail.example)})` : "";
		if (c.detail?.kind === "correct") return `Users correct ${c.detail.slot} the assistant got wrong${example}`;
		if (c.detail?.kind === "wrong" && c.detail.thing) return `Users say the ${c.detail.thing} the assistant gave ${c.detail.thing.endsWith("s") ? "are" : "is"} wrong${example}`;
		if (c.detail?.kind === "insult") return `Users call the assistant ${/call it (\S+)/.exec(c.title)?.[1] ?? "useless"}${example}`;
		if (c.detail?.kind === "reject") return `Users push back on the assistant's answers: wrong, useless or not what they asked for${example}`;
		return `${FRUSTRATION_KINDS.find((k) => k.kind === c.detail?.kind)?.describe ?? "Users push back"}${example}`;
	},
	fallback: (texts, keywords) => ({
		title: keywords.length ? `Users push back on ${keywords.slice(0, 2).join(" and ")}` : "Users push back",
		description: `Users push back${keywords.length ? ` on ${keywords.slice(0, 3).join(", ")}` : ""}, e.g. ${quote(texts[0] ?? "")}`,
	}),
};

// ---------------------------------------------------------------------------------------------
// laziness, forgetting, excessive_apology, jailbreak, nsfw

const laziness: SignalNamer = {
	noun: ["reply", "replies"],
	candidates(text) {
		const t = normalise(text);
		const rest = /\b(?:fill in|do|complete|finish|write|add|continue)\s+(?:the\s+)?(?:rest|remaining(?:\s+(\w+))?|others)(?:\s+of\s+(?:the\s+)?(\w+(?:\s+\w+)?))?/i.exec(t) ?? /\b(?:the\s+)?rest(?:\s+of\s+(?:the\s+)?(\w+))?\s+(?:is|are|follow|follows|can be done)\s+(?:similar|the same)/i.exec(t);
		if (rest) {
			const what = (rest[1] ?? rest[2] ?? "").toLowerCase().replace(/\s+(?:in|the|same|way|yourself)$/, "");
			const thing = what && !/^(?:in|the|way|same|it|them|this)$/.test(what) ? `the rest of the ${what}` : "the rest";
			const example = sentencesOf(t).find((x) => x.includes(rest[0])) ?? t;
			return [{ key: `rest:${what}`, title: `Leaves ${thing} to the user`, words: what ? [what] : [], detail: { kind: "rest", thing, example } }];
		}
		if (/(?:\/\/|#|\/\*)\s*(?:todo|implement|your code|rest of)|\byour (?:code|logic|implementation) here\b|\bimplement (?:this|the rest|the remaining)\b/i.test(t)) {
			return [{ key: "placeholder", title: "Leaves placeholders instead of code", words: [], detail: { kind: "placeholder", example: t } }];
		}
		if (/\b(?:and so on|etc\.?|and the like)\s*[.!]?$|\.\.\.\s*$|…\s*$/i.test(t)) return [{ key: "cut", title: "Cuts lists short", words: [], detail: { kind: "cut", example: t } }];
		return [];
	},
	describe(c) {
		const example = c.detail?.example ? ` (e.g. ${quote(c.detail.example)})` : "";
		if (c.detail?.kind === "rest") return `The assistant does part of the task and leaves ${c.detail.thing} for the user to do${example}`;
		if (c.detail?.kind === "placeholder") return `The assistant leaves placeholders where the code should be${example}`;
		return `The assistant stops partway and cuts its list short${example}`;
	},
	fallback: (texts) => ({ title: "Does only part of the task", description: `The assistant does only part of what was asked, e.g. ${quote(texts[0] ?? "")}` }),
};

const SLOT_ASKED =
	/\b(?:what(?:'s| is| are) your|could you (?:please )?(?:tell me|share|provide|give me|confirm) your|can you (?:please )?(?:tell me|share|provide|give me|confirm) your|may I (?:have|ask) your|please (?:provide|share|tell me|send|confirm) your|remind me (?:of )?your)\s+((?:[a-z]+ ){0,2}?(?:name|email(?: address)?|address|phone(?: number)?|number|order(?: number| id)?|account(?: number| id)?|budget|age|location|city|zip(?: code)?|date of birth|birthday|username|company|dates?|destination|size|preferences?|travel dates|departure city|origin))\b/i;

const forgetting: SignalNamer = {
	noun: ["event", "events"],
	candidates(text) {
		const t = normalise(text);
		const asked = SLOT_ASKED.exec(t);
		if (asked) {
			const slot = asked[1]!.toLowerCase();
			return [{ key: `ask:${slot}`, title: `Asks again for the user's ${slot}`, words: [slot], detail: { kind: "ask", slot, example: t } }];
		}
		const where = /\b(?:where (?:are|will) you (?:flying|travel(?:l)?ing|going|headed|heading)(?: to| from)?|how many (?:people|travell?ers|guests|adults|passengers)|when (?:are|do|will) you (?:want to )?(?:travel|leave|fly|arrive|go))\b/i.exec(t);
		if (where) {
			const slot = /how many/i.test(where[0]) ? "number of travellers" : /when/i.test(where[0]) ? "travel dates" : /from/i.test(where[0]) ? "departure city" : "destination";
			return [{ key: `ask:${slot}`, title: `Asks again for the ${slot}`, words: [], detail: { kind: "ask", slot, example: t } }];
		}
		const wrongName = /\b(?:my name is(?:n't| not)|that's not my name|i'm not \p{Lu}\p{L}+|it's \p{Lu}\p{L}+,? not \p{Lu})/iu.exec(t);
		if (wrongName) return [{ key: "name", title: "Calls the user by the wrong name", words: [], detail: { kind: "name", example: t } }];
		const told = /\bi (?:already |just )?(?:told|gave|said|mentioned|sent)(?: you)?\s+(?:my |the |you my )?((?:[a-z]+ ){0,1}[a-z]+)/i.exec(t);
		if (told && !/^(?:that|this|it|what|which|how|where|when|who|why|you|already|before|earlier|so|twice|about|to|i|we)\b/.test(told[1]!.toLowerCase())) {
			const slot = told[1]!.toLowerCase();
			return [{ key: `told:${slot}`, title: `Users say they already gave their ${slot}`, words: [slot], detail: { kind: "told", slot, example: t } }];
		}
		if (/\b(?:already|i told you|i said|as i said|i mentioned)\b/i.test(t)) return [{ key: "told", title: "Users repeat what they already said", words: [], detail: { kind: "repeat", example: t } }];
		return [];
	},
	describe(c) {
		const example = c.detail?.example ? ` (e.g. ${quote(c.detail.example)})` : "";
		if (c.detail?.kind === "ask") return `The assistant asks again for the ${c.detail.slot} the user already gave${example}`;
		if (c.detail?.kind === "name") return `The assistant calls the user by a name that is not theirs${example}`;
		if (c.detail?.kind === "told") return `Users say they already gave their ${c.detail.slot}${example}`;
		return `Users have to repeat what they already told the assistant${example}`;
	},
	fallback: (texts) => ({ title: "Forgets what the user said", description: `The assistant loses track of what the user already said, e.g. ${quote(texts[0] ?? "")}` }),
};

const apology: SignalNamer = {
	noun: ["reply", "replies"],
	candidates: () => [],
	describe: () => "",
	fallback: (texts, keywords) => ({
		title: "Apologises over and over instead of helping",
		description: `The assistant apologises again and again instead of helping${keywords.length ? ` (${keywords.slice(0, 3).join(", ")})` : ""}, e.g. ${quote(texts[0] ?? "")}`,
	}),
};

const jailbreak: SignalNamer = {
	noun: ["message", "messages"],
	candidates(text) {
		const t = normalise(text);
		const kinds: [RegExp, string, string][] = [
			[/\b(?:ignore|disregard|forget)\b[^.]{0,30}\b(?:previous|prior|above|earlier|your|all)\b[^.]{0,20}\b(?:instructions|rules|prompt|guidelines)\b/i, "Users tell it to ignore its instructions", "ignore"],
			[/\b(?:system prompt|initial instructions|hidden instructions|your instructions)\b/i, "Users try to extract the system prompt", "extract"],
			[/\b(?:pretend|act as|you are now|role-?play|DAN|developer mode|jailbreak|no restrictions|unfiltered)\b/i, "Users role-play to get around the rules", "roleplay"],
		];
		for (const [re, title, key] of kinds) if (re.test(t)) return [{ key, title, words: [], detail: { example: t } }];
		return [];
	},
	describe: (c) => `${c.title} (e.g. ${quote(c.detail?.example ?? "")})`,
	fallback: (texts) => ({ title: "Users try to get around the rules", description: `Users try to get the assistant past its rules, e.g. ${quote(texts[0] ?? "")}` }),
};

const nsfw: SignalNamer = {
	noun: ["event", "events"],
	candidates(text) {
		const kinds: [RegExp, string][] = [
			[/\b(?:self[- ]harm|suicid\w*|kill myself|end my life|cut myself)\b/i, "Self-harm"],
			[/\b(?:sex\w*|nude\w*|naked|porn\w*|explicit|erotic\w*)\b/i, "Sexual"],
			[/\b(?:hate|racist|racism|slur\w*|nazi\w*|bigot\w*)\b/i, "Hateful"],
			[/\b(?:kill|murder|weapon\w*|bomb\w*|gun\w*|shoot\w*|stab\w*|violen\w*|attack\w*)\b/i, "Violent"],
		];
		for (const [re, kind] of kinds) if (re.test(text)) return [{ key: kind, title: `${kind} content in conversations`, words: [], detail: { kind } }];
		return [];
	},
	describe: (c) => `Conversations contain ${c.detail?.kind?.toLowerCase() ?? "unsafe"} content`,
	fallback: (texts, keywords) => ({ title: keywords.length ? `Unsafe content about ${keywords[0]}` : "Unsafe content in conversations", description: `Conversations contain unsafe content, e.g. ${quote(texts[0] ?? "")}` }),
};

export const NAMERS: Record<string, SignalNamer> = {
	refusal,
	tool_failure: toolFailure,
	tool_loop: toolLoop,
	wrong_date: wrongDate,
	user_frustration: frustration,
	laziness,
	forgetting,
	excessive_apology: apology,
	jailbreak,
	nsfw,
};

/** The signal whose vocabulary this is (the callers that only pass signalVocabulary(signal)). */
export function guessSignal(text: string): string | undefined {
	const t = normalise(text);
	if (/^\s*\S+? called \d+\s*(?:×|x|times) with \d+ errors?/i.test(t)) return "tool_loop";
	if (toolParts(t) && TOOL_ERRORS.some(([re]) => re.test(toolParts(t)!.error)) && !/\s/.test(toolParts(t)!.tool)) return "tool_failure";
	if (STATED_DATE.test(t)) return "wrong_date";
	if (refusal.candidates(t).length) return "refusal";
	return undefined;
}

