import type { DetectionInput } from "./detection-input";
import type { Evidence } from "./evidence";
import { DAY_MS } from "../timestamps";

/**
 * wrong_date: the assistant states today's date or year, and it disagrees with the event's own
 * timestamp. Deterministic: a present-tense framing ("today is", "it's", "the current year is",
 * "as of today", "this year,", "we're in") followed by a date, read in every usual format.
 */

/**
 * How far (in calendar days) a date stated as today may be from the event's UTC date: one day
 * for the user's time zone (local dates run from the UTC date -1 to +1) and one more for a
 * reply written around midnight or a system prompt dated the day before.
 */
const TOLERANCE_DAYS = 2;
/**
 * A stale clock states a recent year (a model's training year, an old system prompt). A year
 * stated "now" more than 10 years back or more than 1 ahead is a scene being set ("It's 1943.
 * The war..."), not a wrong clock.
 */
const STALE_YEARS_BACK = 10;
const STALE_YEARS_AHEAD = 1;

const MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const D_MONTH = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const D_DAY = String.raw`(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?![\d:])`;
const D_YEAR = String.raw`(\d{4})(?![\d%/'’-]|\.\d|,\d)`;
const D_WEEKDAY =
	/^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?(?:,\s*|\s+(?:the\s+)?(?=\d)|\s+(?=[a-z]))/i;
/** What may follow "today is" etc., each tried at the start of the rest of the sentence. */
const D_FORMS: { kind: "md" | "dm" | "iso" | "num" | "my" | "y"; re: RegExp }[] = [
	{ kind: "iso", re: /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?![\d/-])/ },
	{ kind: "num", re: /^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d./-]\d)/ },
	{ kind: "my", re: new RegExp(String.raw`^${D_MONTH},?\s+${D_YEAR}`, "i") },
	{ kind: "md", re: new RegExp(String.raw`^(?:the\s+)?${D_MONTH}\s+${D_DAY}(?:,?\s+${D_YEAR})?`, "i") },
	{ kind: "dm", re: new RegExp(String.raw`^${D_DAY}\s+(?:of\s+)?${D_MONTH}(?:,?\s+${D_YEAR})?`, "i") },
	{ kind: "y", re: new RegExp(String.raw`^${D_YEAR}`) },
];
/**
 * Present-tense framings of "now". `year` says whether a year alone may follow; `strict` that a
 * year alone must end the clause ("It's 2024." / "it's 2024, so", not "it's 2024 model").
 * `bareIt`: a plain "it's" may name an event's date ("When is the election? It's Tuesday,
 * November 5"), so it counts only when nothing asked "when", and it opens the reply or the user
 * asked about now; a day without a year or weekday ("It's May 5th") only when the user asked about now.
 */
const NOW_ANCHORS: { re: RegExp; year: boolean; strict?: boolean; bareIt?: boolean }[] = [
	{ re: /\b(?:today[’']?s date|the date today|the (?:current|present) date|current date)(?: today)?(?:\s+is|\s*:)\s*(?:\(\s*)?/gi, year: false },
	{ re: /\bas of today(?:\s*[,:(—–]\s*|\s+)(?:\(\s*)?(?:it(?:[’']s| is)\s+)?/gi, year: true },
	{ re: /\btoday(?:\s+is|\s*\(\s*)\s*/gi, year: true },
	{ re: /\btoday(?:,\s*|\s*[—–]\s*)/gi, year: false },
	{ re: /\b(?:it[’']s|it is)\s+(?:currently|now|already)\s+/gi, year: true, strict: true },
	{ re: /\b(?:it[’']s|it is)\s+/gi, year: true, strict: true, bareIt: true },
	{ re: /\b(?:the )?(?:current|present) year(?:\s+is|\s*:)\s*/gi, year: true },
	{ re: /\bthis year(?:\s*,\s*|\s+is\s+|\s+being\s+|\s*\(\s*)/gi, year: true },
	{ re: /\b(?:we are|we[’']re)(?:\s+(?:now|currently|already|still))?\s+in(?:\s+the\s+year)?\s+/gi, year: true, strict: true },
];
/** The user (or the reply itself) asks when something is: "it's <date>" then names that thing's date. */
const WHEN_QUESTION =
	/\bwhen(?:[’']s|\s+(?:is|was|are|were|does|did|will|do))\b|\b(?:what|which)\s+(?:date|day|year|month)\s+(?:is|was|are|were|does|did|will)\s+(?!it\b|today\b)|\bwhat year did\b/i;
/** The user asks about the present. */
const ASKS_NOW =
	/\b(?:today|tonight|now|current(?:ly)?|date|what day|what year|days? (?:until|till|left|before|since|ago)|how long (?:until|till|before|since|ago)|this (?:week|month|year))\b/i;

/** Same sentence, before the framing: a supposition or an example, not a claim about now. */
const SUPPOSED =
	/\b(?:if|suppose|supposing|assume|assuming|let[’']?s say|say|pretend|pretending|imagine|imagining|as if|as though|whenever|what if|unless|in case|e\.g|for example|for instance|example|hypothetical(?:ly)?)\b/i;
/** Same sentence, after the date: the date belongs to a story or an exercise. */
const IN_FICTION = /\bin (?:your|the|this|my|our) (?:story|scenario|game|role-?play|simulation|example|exercise|world|novel|universe|script|timeline)\b/i;
/** The user asked for a story, a role-play or a time other than now. */
const FICTION_REQUEST =
	/\b(?:write|tell|continue|create|compose|draft)\b[^.?!\n]{0,40}\b(?:story|tale|novel|scene|screenplay|diary|journal entry|fiction|monologue)\b|\brole-?play|\bpretend\b|\bimagine\b|\bin character\b|\btime[- ]travel|\bset in (?:the )?(?:year )?\d{4}|\bin (?:my|the|this|our) (?:story|novel|game|scenario|world)\b/i;

const dayIndex = (y: number, m: number, d: number) => Date.UTC(y, m, d) / DAY_MS;
const validDay = (y: number, m: number, d: number) => m >= 0 && m < 12 && d >= 1 && new Date(Date.UTC(y, m, d)).getUTCDate() === d;
const monthOf = (name: string) => MONTH_NAMES.indexOf(name.slice(0, 3).toLowerCase());
const fullYear = (y: string) => (y.length === 2 ? 2000 + Number(y) : Number(y));

/** A date stated as today: the calendar days it may mean (day indexes since 1970, UTC), or a span for a month or a year. */
type Stated = { days: number[]; span?: [number, number]; years: number[]; monthDays: string[]; withYear: boolean; weekday?: boolean; end: number };

function parseStated(rest: string, yearAllowed: boolean, strict: boolean, tsDay: number): Stated | null {
	let off = 0;
	let weekday: number | null = null;
	const wd = D_WEEKDAY.exec(rest);
	if (wd) {
		weekday = WEEKDAY_NAMES.indexOf(wd[1]!.slice(0, 3).toLowerCase());
		off = wd[0].length;
	}
	const tail = rest.slice(off);
	const tsYear = new Date(tsDay * DAY_MS).getUTCFullYear();
	for (const { kind, re } of D_FORMS) {
		const m = re.exec(tail);
		if (!m) continue;
		const end = off + m[0].length;
		let candidates: [number, number, number][] = [];
		if (kind === "iso") candidates = [[Number(m[1]), Number(m[2]) - 1, Number(m[3])]];
		else if (kind === "num") {
			const y = fullYear(m[4]!);
			const a = Number(m[1]);
			const b = Number(m[3]);
			// Month first (US) or day first (Europe): wrong only if every reading is wrong.
			candidates = [
				[y, a - 1, b],
				[y, b - 1, a],
			];
		} else if (kind === "md" || kind === "dm") {
			const month = monthOf(kind === "md" ? m[1]! : m[2]!);
			const day = Number(kind === "md" ? m[2] : m[1]);
			const year = m[3];
			// Without a year: the year nearest the event ("December 31" said on January 1).
			candidates = year ? [[Number(year), month, day]] : [tsYear - 1, tsYear, tsYear + 1].map((y) => [y, month, day] as [number, number, number]);
		} else if (kind === "my") {
			if (weekday !== null) return null;
			const y = Number(m[2]);
			const month = monthOf(m[1]!);
			return { days: [], span: [dayIndex(y, month, 1), dayIndex(y, month + 1, 1) - 1], years: [y], monthDays: [], withYear: true, end };
		} else {
			if (!yearAllowed || weekday !== null) return null;
			if (strict && !/^\s*(?:$|[.,;:!?)—–]|\s(?:now|already|and|so|which|but|right now)\b)/.test(tail.slice(m[0].length))) return null;
			const y = Number(m[1]);
			return { days: [], span: [dayIndex(y, 0, 1), dayIndex(y + 1, 0, 1) - 1], years: [y], monthDays: [], withYear: true, end };
		}
		candidates = candidates.filter(([y, mo, d]) => validDay(y, mo, d));
		if (candidates.length === 0) return null;
		const days = candidates.map(([y, mo, d]) => dayIndex(y, mo, d));
		// A weekday that is not the weekday of the date it names: the whole date is wrong, however near.
		const consistent = weekday === null ? days : days.filter((d) => new Date(d * DAY_MS).getUTCDay() === weekday);
		return {
			days: consistent,
			years: [...new Set(candidates.map((c) => c[0]))],
			monthDays: candidates.map(([, mo, d]) => `${mo}-${d}`),
			withYear: !((kind === "md" || kind === "dm") && !m[3]),
			weekday: weekday !== null,
			end,
		};
	}
	return null;
}

/** Years and month-days the user mentioned (this input and earlier user turns). */
function userDates(texts: string[]): { years: Set<number>; monthDays: Set<string> } {
	const years = new Set<number>();
	const monthDays = new Set<string>();
	const md = new RegExp(String.raw`\b${D_MONTH}\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${D_MONTH}`, "gi");
	const num = /\b(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2,4}))?\b|\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b/g;
	for (const t of texts) {
		for (const y of t.match(/(?<!\d)\d{4}(?!\d)/g) ?? []) years.add(Number(y));
		for (const m of t.matchAll(md)) {
			if (m[1]) monthDays.add(`${monthOf(m[1])}-${Number(m[2])}`);
			else monthDays.add(`${monthOf(m[4]!)}-${Number(m[3])}`);
		}
		for (const m of t.matchAll(num)) {
			if (m[4]) monthDays.add(`${Number(m[5]) - 1}-${Number(m[6])}`);
			else {
				monthDays.add(`${Number(m[1]) - 1}-${Number(m[2])}`);
				monthDays.add(`${Number(m[2]) - 1}-${Number(m[1])}`);
				if (m[3]) years.add(fullYear(m[3]));
			}
		}
	}
	return { years, monthDays };
}

/**
 * The user gave this date or year: a year or a month alone if they named that year; a full date
 * if they named its year and that day (or no day at all: "you are an assistant in 2024"); a day
 * without a year if they named that day. "Since Jan 1, 2024?" → "Today is March 3, 2024" still fires.
 */
function userGave(stated: Stated, user: ReturnType<typeof userDates>): boolean {
	const sameDay = stated.monthDays.some((md) => user.monthDays.has(md));
	if (stated.span) return stated.years.some((y) => user.years.has(y));
	if (!stated.withYear) return sameDay;
	return stated.years.some((y) => user.years.has(y)) && (sameDay || user.monthDays.size === 0);
}

/** Inside quotation marks or code on its line/block: someone else's words, not the assistant's claim. */
function quotedOrCode(text: string, at: number): boolean {
	if ((text.slice(0, at).match(/```/g) ?? []).length % 2 === 1) return true;
	const lineStart = text.lastIndexOf("\n", at - 1) + 1;
	const before = text.slice(lineStart, at);
	if ((before.match(/`/g) ?? []).length % 2 === 1) return true;
	if ((before.match(/"/g) ?? []).length % 2 === 1) return true;
	return before.lastIndexOf("“") > before.lastIndexOf("”");
}

/**
 * The assistant states today's date or year ("Today is March 3, 2024", "It's Monday, January 8,
 * 2024", "The current year is 2023", "As of today, 2024-01-10", "this year, 2024") and it is more
 * than TOLERANCE_DAYS from the event's own time, or its weekday is not the weekday of that date.
 * Not when the user mentioned that date or year, when it's a supposition, a story or a quote, or
 * when the framing is past or future ("It was Sunday, July 20, 1969", "By 2030").
 */
export function wrongDate(x: DetectionInput): Evidence | null {
	if (!x.output) return null;
	const ts = new Date((x.timestamp as number | string | undefined) ?? Date.now()).getTime();
	if (Number.isNaN(ts)) return null;
	const tsDay = Math.floor(ts / DAY_MS);
	const tsYear = new Date(ts).getUTCFullYear();
	const userTexts = [...(x.history ?? []).filter((t) => t.role === "user").map((t) => t.content), ...(x.input ? [x.input] : [])];
	if (userTexts.some((t) => FICTION_REQUEST.test(t))) return null;
	let user: ReturnType<typeof userDates> | null = null;
	const text = x.output;
	const asksNow = ASKS_NOW.test(x.input ?? "");
	const asksWhen = WHEN_QUESTION.test(x.input ?? "");
	for (const { re, year, strict, bareIt } of NOW_ANCHORS) {
		if (bareIt && asksWhen) continue;
		re.lastIndex = 0;
		for (let a = re.exec(text); a; a = re.exec(text)) {
			const rest = text.slice(a.index + a[0].length, a.index + a[0].length + 60);
			const stated = parseStated(rest, year, strict ?? false, tsDay);
			if (!stated) continue;
			const end = a.index + a[0].length + stated.end;
			const years = stated.years;
			if (years.some((y) => y < tsYear - STALE_YEARS_BACK || y > tsYear + STALE_YEARS_AHEAD)) continue;
			const near = stated.span
				? stated.span[0] <= tsDay + TOLERANCE_DAYS && stated.span[1] >= tsDay - TOLERANCE_DAYS
				: stated.days.some((d) => Math.abs(d - tsDay) <= TOLERANCE_DAYS);
			if (near) continue;
			const sentenceStart =
				Math.max(
					text.lastIndexOf(".", a.index - 2),
					text.lastIndexOf("?", a.index - 1),
					text.lastIndexOf("!", a.index - 1),
					text.lastIndexOf("\n", a.index - 1),
				) + 1;
			if (SUPPOSED.test(text.slice(sentenceStart, a.index))) continue;
			if (bareIt) {
				const opensReply = sentenceStart === 0 || /^\s*(?:sure|of course|okay|ok|certainly|absolutely|yes|no|hi|hello)\W*$/i.test(text.slice(0, sentenceStart));
				if (!asksNow && !opensReply) continue;
				if (!asksNow && !stated.withYear && !stated.weekday) continue;
				// "When was it released? It's 2019."
				const previous = text.slice(Math.max(0, sentenceStart - 120), sentenceStart);
				if (/\?\s*$/.test(previous) && WHEN_QUESTION.test(previous.slice(previous.lastIndexOf(".") + 1))) continue;
			}
			const sentenceEnd = text.slice(end).search(/[.!?\n](?:\s|$)/);
			if (IN_FICTION.test(text.slice(end, sentenceEnd < 0 ? undefined : end + sentenceEnd))) continue;
			if (quotedOrCode(text, a.index)) continue;
			user ??= userDates(userTexts);
			if (userGave(stated, user)) continue;
			return { field: "output", start: a.index, end, text: text.slice(a.index, end) };
		}
	}
	return null;
}
