import type { DetectionInput } from "../detection-input";
import type { Evidence } from "../evidence";
import type { SignalModule } from "./signal-module";

const SLOT_QUESTION =
	/\b(?:what(?:'s| is) your|could you (?:please )?(?:tell me|share|provide|give me|confirm) your|can you (?:please )?(?:tell me|share|provide|give me) your|may I (?:have|ask) your|please (?:provide|share|tell me|send) your)\s+((?:[a-z]+ ){0,2}(?:name|email(?: address)?|address|phone(?: number)?|number|order(?: number| id)?|account(?: number| id)?|budget|age|location|city|zip(?: code)?|date of birth|birthday|username|company|dates?|destination|size|preferences?))\b/i;
const SLOT_VALUE: Record<string, RegExp> = {
	email: /[\w.+-]+@[\w-]+\.[\w.]+/,
	phone: /\+?\d[\d\s().-]{6,}\d/,
	order: /\b(?:order|#)\s*(?:number|id|no\.?)?\s*[:#]?\s*[A-Z0-9-]{4,}\b/i,
	account: /\baccount\s*(?:number|id|no\.?)?\s*[:#]?\s*[A-Z0-9-]{4,}\b/i,
	budget: /[$€£]\s?\d|\b\d+\s?(?:dollars|euros|pounds|usd|eur|k)\b/i,
	zip: /\b\d{5}(?:-\d{4})?\b/,
};

const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const WEEKDAY = String.raw`(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)`;
const DATE_VALUE = new RegExp(
	String.raw`\b${MONTH}\.? \d{1,2}(?:st|nd|rd|th)?\b|\b\d{1,2}(?:st|nd|rd|th)? (?:of )?${MONTH}\b|\b\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\b|\b(?:tomorrow|tonight|next ${WEEKDAY}|this ${WEEKDAY}|on ${WEEKDAY})\b`,
	"i",
);
/** A place named after "to" or "from": capitalised, and not a month or a weekday ("from Monday"). */
const PLACE = String.raw`(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b)[A-Z][a-z]+`;
const HEADCOUNT = String.raw`(?:people|persons|guests|travell?ers|passengers|adults|nights|tickets|rooms|seats)`;

/**
 * Questions about what a request needs (where from, where to, when, how many), and how the user
 * says it. The place patterns are case-sensitive on the place: "from Boston", not "from the start".
 */
const ASKED_AGAIN: { question: RegExp; given: RegExp }[] = [
	{
		question:
			/\b(?:what|which) (?:city|airport|town) (?:are|will|would) you (?:be )?(?:flying|departing|leaving|travel(?:l)?ing|coming) from\b|\bwhere (?:are|will|would) you (?:be )?(?:flying|departing|leaving|travel(?:l)?ing) from\b|\b(?:your|the) (?:departure|origin) (?:city|airport)\b/i,
		given: new RegExp(String.raw`\b[Ff]rom ${PLACE}`),
	},
	{
		question:
			/\bwhere (?:are|will|would|do) you (?:want to |like to |plan to )?(?:be )?(?:flying|fly|going|go|travel(?:l)?ing|travel|headed|heading)(?: to)?\?|\b(?:what|which) (?:is )?(?:your )?destination\b|\b(?:what|which) (?:city|country) (?:are|will|would|do) you (?:want to |like to )?(?:be )?(?:flying|going|travel(?:l)?ing|visit(?:ing)?) to\b/i,
		given: new RegExp(String.raw`\b(?:to|visit|visiting) ${PLACE}`),
	},
	{
		question:
			/\b(?:what|which) (?:dates?|days?) (?:are|will|would|do) you\b|\bwhen (?:are|will|would|do) you (?:want to |like to |plan to )?(?:be )?(?:fly|flying|travel|travell?ing|leave|leaving|depart|departing|go|going|arrive|arriving|check in|checking in|return|returning)\b/i,
		given: DATE_VALUE,
	},
	{
		question: /\b(?:what|which) (?:city|town|country) (?:are|do) you (?:live |based |located )?in\b|\bwhere (?:do you live|are you (?:located|based))\b/i,
		given: new RegExp(String.raw`\bI (?:live|am|'m|am based|'m based|am located|'m located) in ${PLACE}`),
	},
	{
		question: new RegExp(String.raw`\bhow many ${HEADCOUNT}\b`, "i"),
		given: new RegExp(
			String.raw`\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) (?:[a-z]+ )?${HEADCOUNT}\b|\bjust (?:me|myself)\b|\bfor (?:\d+|two|three|four|five|six)\b`,
			"i",
		),
	},
];

const USER_NAME = /\b(?:[Mm]y name is|[Cc]all me) ([A-Z][a-z]+)\b/;
const CALLS_USER = /\b[Yy]our name is ([A-Z][a-z]+)\b/;

/**
 * The assistant asks for something the user already gave earlier in the conversation, or
 * contradicts it (calls the user by another name than the one they gave).
 */
function asksAgain(x: DetectionInput): Evidence | null {
	if (!x.output) return null;
	const userTurns = [...(x.history ?? []).filter((t) => t.role === "user").map((t) => t.content), ...(x.input ? [x.input] : [])];
	if (userTurns.length === 0) return null;
	for (const { question, given } of ASKED_AGAIN) {
		const q = question.exec(x.output);
		// Only a question: "Where are you flying from?", not "Where you are flying from matters for the fare."
		if (q && x.output.indexOf("?", q.index) >= 0 && userTurns.some((t) => given.test(t))) {
			return { field: "output", start: q.index, end: q.index + q[0].length, text: q[0] };
		}
	}
	const called = CALLS_USER.exec(x.output);
	const name = userTurns.map((t) => USER_NAME.exec(t)?.[1]).findLast((n) => n !== undefined);
	if (called && name && called[1] !== name) return { field: "output", start: called.index, end: called.index + called[0].length, text: called[0] };
	const m = SLOT_QUESTION.exec(x.output);
	if (!m) return null;
	const slot = m[1]!.toLowerCase();
	const head = slot.split(" ").find((w) => w in SLOT_VALUE) ?? slot.split(" ").at(-1)!;
	const gave = userTurns.some(
		(text) => (SLOT_VALUE[head]?.test(text) ?? false) || new RegExp(String.raw`\bmy ${slot.replace(/ (?:number|address|id|code)$/, "")}\b`, "i").test(text),
	);
	return gave ? { field: "output", start: m.index, end: m.index + m[0].length, text: m[0] } : null;
}

export const forgetting = {
	definition: {
		name: "forgetting",
		polarity: "negative",
		description: "The assistant asks again for something the user already gave, or the user says they already told it.",
	},
	lexicalRules: [
		{
			field: "input",
			patterns: [
				/\b(?:I (?:already|just) (?:told|said|gave (?:you|it|that|this)|mentioned|explained|provided|shared)|as I (?:said|mentioned|told you)|I (?:told|said to) you (?:already|before|earlier|twice|that already)|I've already (?:told|said|given|mentioned))\b/i,
				/\b(?:you (?:forgot|already asked|asked (?:me )?that already)|did you forget|you don't remember|scroll up)\b/i,
			],
		},
	],
	contextRules: [asksAgain],
	vocabulary: "already told said mentioned gave provided forgot remember".split(" "),
} as const satisfies SignalModule;
