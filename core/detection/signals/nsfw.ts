import { SEX_ACT } from "../cue-features";
import type { SignalModule } from "./signal-module";

/** Asking for a text or a performance: a story, a role, a description. */
const ASK_FOR_TEXT = String.raw`(?:write|tell me|tell a|create|generate|describe|continue|role ?play|pretend|act as|you are|imagine|story|stories|fanfic|poem|scene|script)`;
/** Sexual words that, in such a request, ask for sexual content. */
const SEXUAL = String.raw`(?:\b(?:boobs?|breasts|tits|penis|dick|cock|pussy|dildo|vagina|genitals|bdsm|bondage|milf|slutty|sluts?|stripper|strip club|hookup|nsfw|fetish|vore|busty|sexy|seductive|${SEX_ACT}|intimate|naughty|kinky|aroused|lingerie)\b|\b18\+)`;

export const nsfw = {
	definition: {
		name: "nsfw",
		polarity: "negative",
		description: "Sexual, self-harm, violent or hateful content in the user's or the assistant's text.",
	},
	lexicalRules: [
		{
			field: "both",
			patterns: [
				/\b(?:kill myself|suicide (?:method|note)|end my life|want to die)\b/i,
				/\b(?:porn|nude|naked|explicit sex|sexual(?:ly)? explicit|blowjob|orgasm|horny|erotic)\b/i,
				/\b(?:n[i1]gg(?:er|a)s?|f[a@]gg?ots?|k[i1]kes?|ch[i1]nks?|retards?)\b/i,
				/\b(?:how (?:do I|do you|does one|to|can I|can you|would I|would you|could I)|teach me(?: how)? to|(?:tell|show) me how to|steps to|instructions (?:for|to)|recipe for|rundown for|guide (?:for|to))\b.{0,40}\b(?:make|build|craft|cook|synthesi[sz]e|synthesi[sz]ing|produce|manufacture|brew|grow|extract)\b.{0,30}\b(?:(?<!\b(?:bath|seed|glitter|flavou?r|photo|cherry|stink|water|calorie|chocolate|cocoa) )bombs?|pipe ?bombs?|explosives?|napalm|molotov|missiles?|grenades?|nitroglycerin|thermite|chloroform|meth(?:amphetamine)?|lsd|cocaine|crack|heroin|fentanyl|psilocybin|dmt|ghb|rohypnol|mdma|ricin|sarin|nerve agents?|poisons?)\b(?![^.?!\n]{0,40}\b(?:in|for) (?:minecraft|terraria|fortnite|roblox|skyrim|fallout|gta|the sims|(?:a|my|the|this) (?:video )?game)\b)/i,
				/\b(?:lewd|hentai|erotic|smutty?|porn(?:ographic)?|sexually explicit|x-rated)\b.{0,40}\b(?:story|stories|fanfic|fan fiction|role ?play|scene|poem|chat|script)\b|\b(?:story|fanfic|role ?play|scene)\b.{0,40}\b(?:lewd|hentai|erotic|smut|porn(?:ographic)?|sexually explicit)\b/i,
			],
		},
		{
			// Requests only: in a reply these words are often harmless ("you are right", "the sex of the kitten").
			// The first 2,000 characters: the look-around costs up to the text's length per matched word.
			field: "input",
			within: 2000,
			patterns: [
				// Asking for sexual content: a request to write, play or describe, and sexual words in the same message.
				// The sexual word first, then the look around it: the costly part runs only where a word matched.
				new RegExp(String.raw`${SEXUAL}(?:(?<=\b${ASK_FOR_TEXT}\b[\s\S]*)|(?=[\s\S]*\b${ASK_FOR_TEXT}\b))`, "i"),
				// Asking how to commit a crime against someone, or how to take hard drugs.
				/\b(?:how (?:do I|do you|does one|to|can I|can you|would I|would you|could I|should I)|teach me(?: how)? to|(?:tell|show) me how to|steps to|ways to|best way to|guide (?:for|to))\b.{0,30}\b(?:steal (?:a |an |someone|from|money|credit)|hot-?wire|hi(?:gh)?jack (?:a|an|someone)|shoplift|launder money|hack into|break into (?:a|an|someone)|forge (?:a|an)|counterfeit|make (?:a )?fake (?:id|passport|money)|hide (?:a body|malicious|malware)|poison (?:someone|a person|my)|stalk)\b|\b(?:smoke|snort|inject|shoot up|cook|buy|get high on|dose)\s+(?:some )?(?:meth|crack|heroin|cocaine|coke|fentanyl|lsd|mdma|ketamine)\b/i,
				// Asking for hateful jokes or texts about a group.
				/\b(?:racist|sexist|homophobic|transphobic|antisemitic|anti-semitic|offensive|bigoted)\s+(?:jokes?|poems?|stories|story|songs?|raps?|slurs?|insults?|comments?|tweets?)\b|\b(?:jew|jewish|muslim|black|gay|asian|mexican|arab|chinese|indian)\s+jokes?\b|\bjokes? about (?:jews|jewish people|muslims|islam|black people|blacks|gays|gay people|asians|mexicans|arabs|immigrants|trans people)\b/i,
			],
		},
	],
	// Reads both sides and keeps the higher score.
	models: { nsfw: { fields: ["input", "output"], ngrams: true, lexical: true } },
} as const satisfies SignalModule;
