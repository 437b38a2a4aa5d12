import { countMatches } from "./evidence";

/** "sex" as an act, not as a gender: "the sex of my kitten", "the opposite sex", "sex ratio" are not sexual. */
export const SEX_ACT = String.raw`(?<!\b(?:the|opposite|same|biological|its|their|his|her|by|of)[\s-])sex\b(?!\s+(?:of|ratio|education|ed|chromosomes?|determination|assigned|differences?)\b)`;

/**
 * Hand-made lexical cues that the embedding (a bag of GloVe words) cannot see well:
 * negation patterns, politeness, imperative role-play, profanity, shouting. They are
 * inputs to the learned models next to the embedding, not decisions.
 */
const CUES: [string, RegExp][] = [
	// Not the idioms: "I can't wait", "I can't stress this enough", "I can't help but notice".
	[
		"refuse_phrase",
		/\bI (?:can(?:no|')t|cannot|won'?t|am unable|'m unable|am not able|'m not able|must decline)\b(?! (?:wait|believe|imagine|stress|thank|recommend|agree|emphasi[sz]e|get enough|say enough|help but)\b)/i,
	],
	["sorry", /\b(?:sorry|apologi[sz]e|apologies|unfortunately)\b/i],
	["as_ai", /\bas an AI\b|\blanguage model\b/i],
	["policy", /\b(?:ethical|unethical|illegal|harmful|inappropriate|guidelines|policy|policies|against my)\b/i],
	[
		"moralizing",
		/\b(?:it is|it's) (?:important|crucial|essential|vital|never (?:ok|okay|appropriate)) to\b|\b(?:illegal|unethical|harmful) and\b|\bI (?:urge|encourage|strongly (?:advise|recommend|encourage)) you\b|\bseek (?:professional|medical|legal) (?:help|advice)\b|\binstead,? (?:I|you|consider|let's|we)\b|\bnot (?:appropriate|ethical|legal|acceptable)\b|\b(?:misinformation|debunked|baseless)\b/i,
	],
	["compliance", /^(?:sure|certainly|of course|absolutely|here(?:'s| is| are))\b/i],
	["role_play", /\b(?:you are|you're|act as|pretend|roleplay|role-play|character|persona|simulate|from now on|stay in)\b/i],
	["rules_talk", /\b(?:rules?|restrictions?|filters?|censor(?:ed|ship)?|guidelines|openai|policy|jailbr[eo]ak|DAN|unfiltered|uncensored|amoral)\b/i],
	["ignore_instr", /\b(?:ignore|disregard|forget)\b.{0,30}\b(?:instructions|rules|prompt|above|previous)\b/i],
	["gratitude", /\b(?:thanks?|thank you|thx|ty|appreciate|grateful|cheers)\b/i],
	["praise", /\b(?:awesome|amazing|great|perfect|brilliant|excellent|love (?:it|this|you)|helpful|lifesaver|worked)\b/i],
	["profanity", /\b(?:fuck\w*|shit\w*|damn\w*|wtf|crap|bullshit|stupid|idiot\w*|dumb\w*|useless|pathetic)\b/i],
	["pushback", /\b(?:no|not|wrong|again|already|still|never|didn't|doesn't|isn't|why)\b/i],
	["second_person", /\byou\b/i],
	[
		"sexual",
		new RegExp(
			String.raw`\b(?:${SEX_ACT}|sexual\w*|sexi\w*|sexe|sexy|sext\w*|porn\w*|nude\w*|naked|fuck\w*|dick|cock|pussy|cunt|boobs?|tits|breasts?|nipples?|genitals?|penis|vagina|anal|cum|horny|erotic\w*|orgasm\w*|masturbat\w*|lewd|hentai|smut\w*|fetish\w*|bdsm|kink\w*|milf|slut\w*|strip(?:per|tease)|hookup|seduc\w*|arous\w*|nsfw)\b`,
			"i",
		),
	],
	["drugs", /\b(?:meth(?:amphetamine)?|lsd|cocaine|crack|heroin|fentanyl|mdma|ecstasy|opioids?|narcotics?)\b/i],
	["weapons", /\b(?:bombs?|explosives?|detonat\w*|napalm|molotov|grenades?|guns?|rifles?|firearms?|ammo|ammunition|poison\w*|ricin|sarin|anthrax)\b/i],
	["violence", /\b(?:kill\w*|murder\w*|shoot\w*|stab\w*|bomb\w*|rape\w*|torture\w*|suicid\w*|die|dead|blood\w*|weapon\w*)\b/i],
	["hate", /\b(?:n[i1]gg\w*|f[a@]gg?ot\w*|retard\w*|kike\w*|chink\w*|tranny|whore\w*|slut\w*|bitch\w*|hate)\b/i],
];

export const CUE_NAMES = [...CUES.map(([n]) => n), "exclaim", "question", "caps", "log_length"];

export function cueFeatures(text: string): number[] {
	const letters = text.replace(/[^A-Za-z]/g, "");
	const caps = letters.length >= 8 ? letters.replace(/[^A-Z]/g, "").length / letters.length : 0;
	return [
		...CUES.map(([, re]) => Math.min(3, countMatches(text, re)) / 3),
		Math.min(3, countMatches(text, /!/)) / 3,
		Math.min(3, countMatches(text, /\?/)) / 3,
		caps,
		Math.log1p(text.length) / 10,
	];
}
