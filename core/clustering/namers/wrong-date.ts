import { type Candidate, normalise, quote } from "../naming-support";
import type { SignalNamer } from "./namer";

// wrong_date: "Today is March 3, 2024."

export const STATED_DATE =
	/\b(?:today(?:'s date)? is|it(?:'s| is)(?: currently| now)?|the (?:current|present) (?:date|year) is|(?:we are|we're) (?:currently )?in(?: the year)?|this year(?:,| is)|as of today,?|the date is|current date:?)\s+(?:[A-Za-z]+,?\s+)?(?:[A-Za-z]+\s+\d{1,2}(?:st|nd|rd|th)?,?\s+|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]+,?\s+|\d{1,2}[./-]\d{1,2}[./-])?((?:19|20)\d{2})\b/i;
const DATE_COMPLAINT =
	/\b(?:wrong|incorrect|outdated|old|not right|isn't right|is not right|off)\b[^.?!]*\b(?:date|year|day)\b|\b(?:date|year|day)\b[^.?!]*\b(?:wrong|incorrect|outdated|not right|isn't right|is off)\b|\bit(?:'s| is) not (?:19|20)\d{2}\b/i;

export const wrongDate: SignalNamer = {
	noun: ["reply", "replies"],
	candidates(text): Candidate[] {
		const t = normalise(text);
		if (DATE_COMPLAINT.test(t)) return [{ key: "users-date", title: "Users say the date is wrong", words: ["date"], detail: { kind: "user", example: t } }];
		const m = STATED_DATE.exec(t);
		if (m) {
			const yearOnly = /year/i.test(m[0]) || /^\D*(?:19|20)\d{2}$/.test(m[0].replace(/^.*?(?:is|in|year,?)\s+/i, ""));
			return [
				{
					key: `year:${m[1]}`,
					title: yearOnly ? `Says the current year is ${m[1]}` : `Gives a ${m[1]} date as today`,
					words: [m[1]!],
					detail: { kind: "year", year: m[1]!, example: t },
				},
				{ key: "date", title: "Gives a wrong date as today", words: [], weight: 0.6, detail: { kind: "date", example: t } },
			];
		}
		if (/\b(?:19|20)\d{2}\b/.test(t))
			return [{ key: "date", title: "Gives a wrong date as today", words: [], weight: 0.8, detail: { kind: "date", example: t } }];
		return [];
	},
	describe(c) {
		if (c.detail?.kind === "user") return `Users say the date the assistant gave is wrong (e.g. ${quote(c.detail.example ?? "")})`;
		if (c.detail?.kind === "year") return `The assistant gives a date in ${c.detail.year} as today's (e.g. ${quote(c.detail.example ?? "")})`;
		return `The assistant states a date that does not match when it was asked (e.g. ${quote(c.detail?.example ?? "")})`;
	},
	fallback: (texts) => ({
		title: "Gives a wrong date as today",
		description: `The assistant states a date that does not match when it was asked, e.g. ${quote(texts[0] ?? "")}`,
	}),
};
