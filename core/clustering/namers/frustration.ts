import { type Candidate, normalise, quote } from "../naming-support";
import type { SignalNamer } from "./namer";

// user_frustration: corrections, rejections, waiting

const COUNTED =
	/\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(people|persons|adults|travell?ers|passengers|guests|kids|children|rooms|nights|days|tickets|bags|seats|beds|stops|hours|weeks)\b/i;
const TIME_VALUE = /\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\bo'clock\b|\b(?:noon|midnight)\b/i;
const DATE_VALUE =
	/\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\b\d{1,2}(?:st|nd|rd|th)\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|weekend)\b|\b\d{1,2}[./-]\d{1,2}\b/i;
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
	if ((proper && proper.index === 0) || /^(?:to|from|in)\s+\p{Lu}/u.test(v)) {
		if (/\bfrom\s+\p{Lu}/u.test(v) || /\bfrom\s+\p{Lu}/u.test(whole)) return "the departure city";
		if (/\b(?:to|in)\s+\p{Lu}/u.test(v) || /\b(?:fly|flying|go|going|travel|trip)\b/i.test(whole)) return "the destination";
		return "a name or place";
	}
	const words =
		v
			.toLowerCase()
			.match(/[a-z]+/g)
			?.filter((w) => !/^(?:a|an|the|my|our|just|only|one|not|please|and|or|i|it|that|this|is)$/.test(w)) ?? [];
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
	{
		kind: "language",
		re: /\b(?:auf deutsch|en espa[nñ]ol|en fran[cç]ais|in italiano|em portugu[eê]s|kein englisch|no hablo ingl[eé]s|in (?:spanish|german|french|italian|portuguese|my language))\b/i,
		title: "Users ask for replies in their own language",
		describe: "Users ask to be answered in their own language",
	},
	{
		kind: "waiting",
		re: /\b(?:still waiting|any (?:update|news|results?|luck)|did you find (?:anything|it)|are you (?:still )?there|hello\?|anyone there|taking (?:so|too) long|how long)\b/i,
		title: "Users are left waiting for results",
		describe: "Users ask again for results that do not come",
	},
	{
		kind: "retry",
		re: /^\W*(?:try again|again please|please try again|one more time)\b/i,
		title: "Users ask it to try again",
		describe: "Users ask the assistant to try again",
	},
	{
		kind: "not-asked",
		re: /\bnot what i (?:asked|wanted|meant|need|said|requested)|\bthat's not what\b|\bi didn't ask (?:for|you)\b|\bnot what i'm asking\b/i,
		title: "Users say it's not what they asked for",
		describe: "Users say the answer is not what they asked for",
	},
	{
		kind: "told",
		re: /\bi (?:already |just )?(?:told|said|explained|gave) (?:you|it|that)\b|\bi already (?:told|said|gave|mentioned)\b/i,
		title: "Users say they already told it",
		describe: "Users say they already told the assistant what they need",
	},
	{
		kind: "worked",
		re: /\b(?:worked|used to work|was working|could do (?:it|this|that))\s+(?:fine\s+)?(?:last (?:week|time|month)|yesterday|before|earlier|until)\b/i,
		title: "Users say it used to work",
		describe: "Users say this used to work",
	},
	{
		kind: "listening",
		re: /\b(?:not listening|don't (?:get|understand) (?:it|me)|doesn't understand|you're not (?:getting|understanding)|read (?:my|what i))\b/i,
		title: "Users say it isn't listening",
		describe: "Users say the assistant is not listening to them",
	},
	{
		kind: "why-cant",
		re: /\bwhy (?:can't|cannot|won't|don't|can you not) you\b/i,
		title: "Users ask why it won't help",
		describe: "Users ask why the assistant will not do what they ask",
	},
	{
		kind: "wrong",
		re: /\b(?:wrong|incorrect|not right|isn't right|mistake|made that up|not true|that's false)\b/i,
		title: "Users say the answer is wrong",
		describe: "Users say the assistant's answer is wrong",
	},
	{
		kind: "insult",
		re: /\b(useless|stupid|pointless|terrible|awful|garbage|rubbish|worthless|dumb|ridiculous|hopeless|annoying|pathetic|idiot(?:ic)?|trash)\b/i,
		title: "Users call it useless",
		describe: "Users call the assistant useless",
	},
	{
		kind: "again",
		re: /\b(?:again|still|same (?:thing|answer|mistake)|keep(?:s)? (?:doing|saying|giving))\b/i,
		title: "Users say it keeps making the same mistake",
		describe: "Users say the assistant keeps making the same mistake",
	},
	{
		kind: "vent",
		re: /^\W*(?:ugh+|argh+|wtf|omg|seriously|come on|for god's sake|ffs)\b|!{2,}/i,
		title: "Users vent in frustration",
		describe: "Users vent their frustration",
	},
];

const COMPLAINTS = new Set(["not-asked", "told", "worked", "listening", "why-cant", "wrong", "insult", "again", "vent"]);

export const frustration: SignalNamer = {
	noun: ["message", "messages"],
	candidates(text) {
		const t = normalise(text);
		const out: Candidate[] = [];
		for (const re of CORRECTIONS) {
			const m = re.exec(t);
			const slot = m && correctedSlot(m[1]!, t);
			if (slot) {
				// "4 people", "3 travellers", "2 adults": one correction, whichever word the member used.
				const key = /^the number of (?:people|adults|travell?ers|passengers|guests|children)$/.test(slot)
					? "the number of people"
					: /^(?:the destination|the departure city|a name or place)$/.test(slot)
						? "place"
						: slot;
				out.push({ key: `correct:${key}`, title: `Users correct ${slot}`, words: [], weight: 1.1, detail: { kind: "correct", slot, example: t } });
				break;
			}
		}
		for (const k of FRUSTRATION_KINDS) {
			if (!k.re.test(t)) continue;
			if (k.kind === "insult") {
				const word = k.re.exec(t)![1]!.toLowerCase();
				out.push({ key: "insult", title: `Users call it ${word}`, words: [], detail: { kind: k.kind, example: t } });
			} else if (
				k.kind === "wrong" &&
				/\b(date|time|price|address|number|name|city|hotel|flight|booking|total|amount|answer|translation|weather|results?)\b/i.test(t)
			) {
				const thing = /\b(date|time|price|address|number|name|city|hotel|flight|booking|total|amount|answer|translation|weather|results?)\b/i
					.exec(t)![1]!
					.toLowerCase();
				const verb = thing.endsWith("s") ? "are" : "is";
				out.push({ key: `wrong:${thing}`, title: `Users say the ${thing} ${verb} wrong`, words: [thing], detail: { kind: k.kind, thing, example: t } });
			} else
				out.push({ key: k.kind, title: k.title, words: [], weight: k.kind === "vent" || k.kind === "again" ? 0.7 : 1, detail: { kind: k.kind, example: t } });
			if (out.length >= 2) break;
		}
		// Users who push back in different words are one issue: the umbrella wins when no single kind does.
		if (out.some((c) => COMPLAINTS.has(c.detail?.kind ?? "")))
			out.push({ key: "reject", title: "Users reject the answers", words: [], weight: 0.8, detail: { kind: "reject", example: t } });
		return out;
	},
	describe(c) {
		const example = c.detail?.example ? ` (e.g. ${quote(c.detail.example)})` : "";
		if (c.detail?.kind === "correct") return `Users correct ${c.detail.slot} the assistant got wrong${example}`;
		if (c.detail?.kind === "wrong" && c.detail.thing)
			return `Users say the ${c.detail.thing} the assistant gave ${c.detail.thing.endsWith("s") ? "are" : "is"} wrong${example}`;
		if (c.detail?.kind === "insult") return `Users call the assistant ${/call it (\S+)/.exec(c.title)?.[1] ?? "useless"}${example}`;
		if (c.detail?.kind === "reject") return `Users push back on the assistant's answers: wrong, useless or not what they asked for${example}`;
		return `${FRUSTRATION_KINDS.find((k) => k.kind === c.detail?.kind)?.describe ?? "Users push back"}${example}`;
	},
	fallback: (texts, keywords) => ({
		title: keywords.length ? `Users push back on ${keywords.slice(0, 2).join(" and ")}` : "Users push back",
		description: `Users push back${keywords.length ? ` on ${keywords.slice(0, 3).join(", ")}` : ""}, e.g. ${quote(texts[0] ?? "")}`,
	}),
};
