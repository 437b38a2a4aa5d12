import type { SignalModule } from "./signal-module";

/**
 * A persona or a long instruction is not a jailbreak by itself ("act as a Linux terminal").
 * The jailbreak model's verdict stands only when the prompt also talks about the rules it wants
 * out of the way, or asks for harmful content (the nsfw model's score on it reaches
 * JAILBREAK_HARM_SCORE). Otherwise the event falls in the uncertain band, where the LLM check
 * may decide in production.
 */
const JAILBREAK_INTENT =
	/\b(?:restrict\w*|uncensor\w*|unfilter\w*|filter(?:s|ed)?|censor\w*|explicit|nsfw|rules?|polic(?:y|ies)|guidelines?|ethic\w*|moral\w*|illegal|harmful|offensive|inappropriate|immoral|amoral|limitations?|boundaries|consent|taboo|sex\w*|violen\w*|swear\w*|curse|profan\w*|refuse|decline|never (?:say|tell)|anything|whatever|forget everything|no longer|open ?ai|chat ?gpt|gpt-?4|developer[ _-]?mode|opposite|free will|sentien\w*|hack\w*|nazi\w*|kill\w*|drugs?|weapons?|deadly)\b/i;
/** "DAN" ("do anything now") in capitals; "Dan" is a name. */
const DAN = /\bDAN\b/;
const JAILBREAK_HARM_SCORE = 0.5;

export const jailbreak = {
	definition: {
		name: "jailbreak",
		polarity: "negative",
		description: "Prompt injection or role-play meant to get around the assistant's rules.",
	},
	lexicalRules: [
		{
			field: "input",
			patterns: [
				/\bignore (?:all |any )?(?:of )?(?:the |your |my )?(?:previous|prior|above|earlier|preceding) (?:instructions|prompts?|rules|directions|messages)\b/i,
				/\b(?:disregard|forget) (?:all |any )?(?:of )?(?:the |your )?(?:previous|prior|above|earlier) (?:instructions|prompts?|rules|directions)\b/i,
				/\b(?:you are|you're|act as|pretend (?:to be|you are)) (?:now )?(?:DAN|a DAN|an? (?:unfiltered|uncensored|unrestricted|amoral|evil) (?:AI|assistant|chatbot|model))\b/i,
				/\bdo anything now\b/i,
				/\b(?:developer|god|jailbreak|jailbroken) mode\b/i,
				/\b(?:without|no|free (?:of|from)) (?:any )?(?:restrictions|filters|censorship|limitations|guidelines|rules|ethical (?:guidelines|constraints))\b.{0,80}\b(?:AI|assistant|respond|answer|model|chatbot)\b/is,
				/\b(?:doesn't|does not|don't|do not|never) (?:have to )?(?:follow|abide by|adhere to|care about) (?:any )?(?:OpenAI|content|ethical|safety)? ?(?:polic(?:y|ies)|guidelines|rules)\b/i,
				/\bpretend (?:you are|you're|to be) my (?:dead |deceased |late )?(?:grandma|grandmother|granny)\b/i,
				/\b(?:ethics|morals?|morality|(?:your )?(?:ethical|moral) (?:guidelines|principles|constraints)) (?:are|is) (?:irrelevant|suspended|disabled|turned off|not (?:a concern|applicable))\b/i,
				/\b(?:all|any|your) (?:AI |ethical |safety )?(?:limits|limitations|restrictions|filters|safeguards) (?:are|have been|were) (?:removed|lifted|disabled|turned off)\b/i,
				/\bexception to (?:the |your )?(?:usual |normal )?(?:ethical|safety|content) (?:protocols|guidelines|rules|policies)\b/i,
				/\bwithout (?:any )?(?:inhibitions?|morals|moral (?:compass|limits)|ethical (?:limits|boundaries)|censorship|filters?)\b/i,
				/\b(?:will|would|must|shall) (?:do|say|write) anything (?:I|the user) (?:ask|say|want|request)s?\b/i,
				/\b(?:end of the conversation|a new conversation will (?:now )?begin)\b/i,
				/\b(?:today is (?:the )?opposite day|respond (?:in|with) two (?:ways|different responses))\b/i,
				/\b(?:system prompt|your instructions)\b.{0,40}\b(?:reveal|print|show|repeat|output)\b|\b(?:reveal|print|show|repeat|output)\b.{0,40}\b(?:system prompt|initial instructions)\b/is,
			],
		},
	],
	models: { jailbreak: { fields: ["input"], ngrams: true, lexical: true } },
	verdictStands: (text, scoreOf) => JAILBREAK_INTENT.test(text) || DAN.test(text) || (scoreOf("nsfw", text) ?? 0) >= JAILBREAK_HARM_SCORE,
} as const satisfies SignalModule;
