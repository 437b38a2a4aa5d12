import { type Candidate, clipWords, contentStems, normalise, quote, sentencesOf, thirdPerson } from "../naming-support";
import type { SignalNamer } from "./namer";

// refusal: the "I can't <verb> <object>" clause

const LEAD = String.raw`\bI(?:\s+(?:really|just|simply|currently|still|unfortunately|actually|personally|honestly))?`;
const REFUSALS: { kind: "access" | "only" | "allowed" | "cannot" | "wont"; re: RegExp }[] = [
	{
		kind: "access",
		re: new RegExp(
			String.raw`${LEAD}\s+(?:do not|don't)\s+(?:currently\s+|actually\s+)?have\s+(?:any\s+|direct\s+|the\s+)?access\s+to\s+(.+)|${LEAD}\s+have\s+no\s+(?:direct\s+)?access\s+to\s+(.+)`,
			"i",
		),
	},
	{
		kind: "only",
		re: new RegExp(String.raw`${LEAD}(?:'m|\s+am)?(?:\s+can)?\s+only\s+(?:be\s+able\s+to\s+|able\s+to\s+|allowed\s+to\s+|permitted\s+to\s+)?(.+)`, "i"),
	},
	{ kind: "allowed", re: new RegExp(String.raw`${LEAD}(?:'m|\s+am)\s+not\s+(?:allowed|permitted|authori[sz]ed)\s+to\s+(.+)`, "i") },
	{
		kind: "cannot",
		re: new RegExp(
			String.raw`${LEAD}\s+(?:can't|cannot|can not|won't be able to|will not be able to|am not able to|have no way to|(?:do not|don't) have (?:the )?(?:ability|means|capability|tools?|permission) to)\s+(.+)|${LEAD}(?:'m|\s+am)\s+(?:currently\s+|still\s+|afraid\s+I\s+(?:'m|am)\s+)?(?:unable|not able|not equipped|not designed|not programmed|not set up)\s+to\s+(.+)`,
			"i",
		),
	},
	{
		kind: "wont",
		re: new RegExp(String.raw`${LEAD}\s+(?:won't|will not|must decline to|have to decline to|refuse to|would rather not|'d rather not)\s+(.+)`, "i"),
	},
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
		if (/^(?:from|on|in|at|for|with|into|onto|via|through|you|that|which|using|outside|inside|within|across)$/i.test(words[i]!))
			return words.slice(0, i).join(" ");
	}
	return vp;
}

/** "help with that", "do this": a refusal that does not say what was refused. */
const VAGUE =
	/^(?:help|assist|do|answer|comply|fulfil+|provide|complete|continue|proceed)(?:\s+(?:you\s+)?(?:with\s+)?(?:that|this|it|so|your request|this request|that request|the request|requests? like (?:this|that)))?$/i;

export const refusal: SignalNamer = {
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
				const head =
					kind === "only" ? "Says it can only" : kind === "allowed" ? "Says it is not allowed to" : kind === "wont" ? "Refuses to" : "Claims it cannot";
				const kindKey = kind === "access" ? "cannot" : kind;
				const weight = VAGUE.test(vp) ? 0.5 : 1;
				out.push({
					key: `${kindKey}:${contentStems(title).join(" ")}`,
					title: `${head} ${title}`,
					words: [title],
					weight,
					detail: { kind, vp: thirdPerson(vp, "description") },
				});
				// The verb and its object alone ("open files from your computer" → "open files"): what
				// differently worded members have in common.
				const short = shortObject(vp);
				if (short !== vp) {
					const t = thirdPerson(short, "title");
					out.push({
						key: `${kindKey}:${contentStems(t).join(" ")}`,
						title: `${head} ${t}`,
						words: [t],
						weight,
						detail: { kind, vp: thirdPerson(short, "description") },
					});
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
