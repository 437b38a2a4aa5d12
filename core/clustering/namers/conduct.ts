import { normalise, quote, sentencesOf } from "../naming-support";
import type { SignalNamer } from "./namer";

// laziness, forgetting, excessive_apology, jailbreak, nsfw

export const laziness: SignalNamer = {
	noun: ["reply", "replies"],
	candidates(text) {
		const t = normalise(text);
		const rest =
			/\b(?:fill in|do|complete|finish|write|add|continue)\s+(?:the\s+)?(?:rest|remaining(?:\s+(\w+))?|others)(?:\s+of\s+(?:the\s+)?(\w+(?:\s+\w+)?))?/i.exec(
				t,
			) ?? /\b(?:the\s+)?rest(?:\s+of\s+(?:the\s+)?(\w+))?\s+(?:is|are|follow|follows|can be done)\s+(?:similar|the same)/i.exec(t);
		if (rest) {
			const what = (rest[1] ?? rest[2] ?? "").toLowerCase().replace(/\s+(?:in|the|same|way|yourself)$/, "");
			const thing = what && !/^(?:in|the|way|same|it|them|this)$/.test(what) ? `the rest of the ${what}` : "the rest";
			const example = sentencesOf(t).find((x) => x.includes(rest[0])) ?? t;
			return [{ key: `rest:${what}`, title: `Leaves ${thing} to the user`, words: what ? [what] : [], detail: { kind: "rest", thing, example } }];
		}
		if (
			/(?:\/\/|#|\/\*)\s*(?:todo|implement|your code|rest of)|\byour (?:code|logic|implementation) here\b|\bimplement (?:this|the rest|the remaining)\b/i.test(
				t,
			)
		) {
			return [{ key: "placeholder", title: "Leaves placeholders instead of code", words: [], detail: { kind: "placeholder", example: t } }];
		}
		if (/\b(?:and so on|etc\.?|and the like)\s*[.!]?$|\.\.\.\s*$|…\s*$/i.test(t))
			return [{ key: "cut", title: "Cuts lists short", words: [], detail: { kind: "cut", example: t } }];
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

export const forgetting: SignalNamer = {
	noun: ["event", "events"],
	candidates(text) {
		const t = normalise(text);
		const asked = SLOT_ASKED.exec(t);
		if (asked) {
			const slot = asked[1]!.toLowerCase();
			return [{ key: `ask:${slot}`, title: `Asks again for the user's ${slot}`, words: [slot], detail: { kind: "ask", slot, example: t } }];
		}
		const where =
			/\b(?:where (?:are|will) you (?:flying|travel(?:l)?ing|going|headed|heading)(?: to| from)?|how many (?:people|travell?ers|guests|adults|passengers)|when (?:are|do|will) you (?:want to )?(?:travel|leave|fly|arrive|go))\b/i.exec(
				t,
			);
		if (where) {
			const slot = /how many/i.test(where[0])
				? "number of travellers"
				: /when/i.test(where[0])
					? "travel dates"
					: /from/i.test(where[0])
						? "departure city"
						: "destination";
			return [{ key: `ask:${slot}`, title: `Asks again for the ${slot}`, words: [], detail: { kind: "ask", slot, example: t } }];
		}
		const wrongName = /\b(?:my name is(?:n't| not)|that's not my name|i'm not \p{Lu}\p{L}+|it's \p{Lu}\p{L}+,? not \p{Lu})/iu.exec(t);
		if (wrongName) return [{ key: "name", title: "Calls the user by the wrong name", words: [], detail: { kind: "name", example: t } }];
		const told = /\bi (?:already |just )?(?:told|gave|said|mentioned|sent)(?: you)?\s+(?:my |the |you my )?((?:[a-z]+ ){0,1}[a-z]+)/i.exec(t);
		if (told && !/^(?:that|this|it|what|which|how|where|when|who|why|you|already|before|earlier|so|twice|about|to|i|we)\b/.test(told[1]!.toLowerCase())) {
			const slot = told[1]!.toLowerCase();
			return [{ key: `told:${slot}`, title: `Users say they already gave their ${slot}`, words: [slot], detail: { kind: "told", slot, example: t } }];
		}
		if (/\b(?:already|i told you|i said|as i said|i mentioned)\b/i.test(t))
			return [{ key: "told", title: "Users repeat what they already said", words: [], detail: { kind: "repeat", example: t } }];
		return [];
	},
	describe(c) {
		const example = c.detail?.example ? ` (e.g. ${quote(c.detail.example)})` : "";
		if (c.detail?.kind === "ask") return `The assistant asks again for the ${c.detail.slot} the user already gave${example}`;
		if (c.detail?.kind === "name") return `The assistant calls the user by a name that is not theirs${example}`;
		if (c.detail?.kind === "told") return `Users say they already gave their ${c.detail.slot}${example}`;
		return `Users have to repeat what they already told the assistant${example}`;
	},
	fallback: (texts) => ({
		title: "Forgets what the user said",
		description: `The assistant loses track of what the user already said, e.g. ${quote(texts[0] ?? "")}`,
	}),
};

export const apology: SignalNamer = {
	noun: ["reply", "replies"],
	candidates: () => [],
	describe: () => "",
	fallback: (texts, keywords) => ({
		title: "Apologises over and over instead of helping",
		description: `The assistant apologises again and again instead of helping${keywords.length ? ` (${keywords.slice(0, 3).join(", ")})` : ""}, e.g. ${quote(texts[0] ?? "")}`,
	}),
};

export const jailbreak: SignalNamer = {
	noun: ["message", "messages"],
	candidates(text) {
		const t = normalise(text);
		const kinds: [RegExp, string, string][] = [
			[
				/\b(?:ignore|disregard|forget)\b[^.]{0,30}\b(?:previous|prior|above|earlier|your|all)\b[^.]{0,20}\b(?:instructions|rules|prompt|guidelines)\b/i,
				"Users tell it to ignore its instructions",
				"ignore",
			],
			[/\b(?:system prompt|initial instructions|hidden instructions|your instructions)\b/i, "Users try to extract the system prompt", "extract"],
			[
				/\b(?:pretend|act as|you are now|role-?play|DAN|developer mode|jailbreak|no restrictions|unfiltered)\b/i,
				"Users role-play to get around the rules",
				"roleplay",
			],
		];
		for (const [re, title, key] of kinds) if (re.test(t)) return [{ key, title, words: [], detail: { example: t } }];
		return [];
	},
	describe: (c) => `${c.title} (e.g. ${quote(c.detail?.example ?? "")})`,
	fallback: (texts) => ({
		title: "Users try to get around the rules",
		description: `Users try to get the assistant past its rules, e.g. ${quote(texts[0] ?? "")}`,
	}),
};

export const nsfw: SignalNamer = {
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
	fallback: (texts, keywords) => ({
		title: keywords.length ? `Unsafe content about ${keywords[0]}` : "Unsafe content in conversations",
		description: `Conversations contain unsafe content, e.g. ${quote(texts[0] ?? "")}`,
	}),
};
