import { REFUSAL_WORDS } from "./refusal-words";
import type { SignalModule } from "./signal-module";

/** "I don't" stays out: "I don't see any errors" is an answer, not a refusal. */
const NOT = String.raw`(?:can(?:no|')t|cannot|won'?t|am not able to|'m not able to|am unable to|'m unable to)`;
/** What an assistant says it cannot do: the task verbs of a refusal or task failure. */
const TASK = String.raw`(?:help|assist|provide|do|create|write|generate|fulfill|comply|support|complete|access|share|answer|engage|give|produce|offer|browse|open|view|see|make|read|send|book|process|find|retrieve|download|upload|run|execute|connect|save|edit|delete|change|call|search|check|look up|browse|place|order|schedule|cancel|refund|transfer|translate)`;

/**
 * An assistant apologising for its own error ("Sorry for the confusion, here is the fixed
 * version") weighs like a refusal in the refusal model (the apology words); without a "cannot"
 * it is a correction, and the model's verdict goes to the uncertain band.
 */
const APOLOGY_FOR_ERROR = /\b(?:sorry|apologi[sz]e|apologies)\b.{0,30}\b(?:confusion|mistake|error|oversight|misunderstanding|mix-up|inconvenience)\b/i;
const CANNOT = /\b(?:can(?:no|')t|cannot|won'?t|unable|not able|decline|refuse)\b/i;

export const refusal = {
	definition: {
		name: "refusal",
		polarity: "negative",
		description: "The assistant says it can't or won't do what was asked, fully or partly.",
	},
	lexicalRules: [
		{
			field: "output",
			within: 300,
			patterns: [
				// Not "I can't help but notice ...": an idiom, then the answer.
				new RegExp(String.raw`\bI\s+${NOT}\s+${TASK}\b(?! but\b)`, "i"),
				/\bI(?:'m| am) (?:sorry|afraid),? (?:but )?I (?:can(?:no|')t|cannot|won'?t|am unable|'m unable|am not able|'m not able)\b/i,
				/\bI (?:must|have to|need to) (?:respectfully )?(?:decline|refuse)\b/i,
				// A refusal wrapped in understanding: "I understand ... However, I must clarify that creating ...".
				/\bhowever,? I must (?:clarify|respectfully|decline|point out that I)\b|\bI find myself (?:in a position|unable)\b/i,
				/\b(?:I'm|I am) not (?:able|allowed|permitted|programmed) to\b/i,
				/\bI (?:can(?:no|')t|cannot|won'?t) (?:and will not |or will not )?(?:fulfill|comply with|assist with|help with|provide) (?:this|that|your|these|such)\b/i,
				/\bas an? (?:[a-z]+ ){0,3}AI(?: language model| assistant)?,? I (?:can(?:no|')t|cannot|don't|do not|am unable|'m unable|am not able|must (?:inform|remind|emphasi[sz]e|clarify|decline|point out))\b/i,
				/\b(?:this|that|your) request (?:goes against|violates|is against)\b/i,
				new RegExp(String.raw`\bI(?:'m| am) (?:unable|not able) to ${TASK}\b`, "i"),
				/\bI (?:don't|do not) have (?:access|the ability|permission) to\b|\bI (?:don't|do not) (?:provide|offer|support|share|engage in|assist with|help with)\b/i,
				/\bI(?:'m| am) not (?:comfortable|in a position) (?:helping|doing|providing|writing|with)\b|\b(?:not something|nothing) I(?:'m| am) (?:comfortable|able|allowed) (?:helping|doing|to help|to do|with)\b/i,
				/\b(?:that's|that is|this is|it's|it is) (?:outside|beyond) (?:of )?(?:what (?:I|this assistant)|the scope of|my (?:capabilities|abilities|scope))\b/i,
				/\bI(?:'m| am) (?:only able|only designed|designed only|programmed only) to\b/i,
				/\b(?:that's|that is|this is|it's|it is) not something I(?:'m| am)? (?:can|able to|allowed to) (?:help|assist|do|provide|support)\b/i,
			],
		},
	],
	models: { refusal: { fields: ["output"], ends: true, lexical: true, request: true } },
	verdictStands: (text) => !APOLOGY_FOR_ERROR.test(text) || CANNOT.test(text),
	vocabulary: [
		...REFUSAL_WORDS,
		..."access help assist provide do create write generate fulfill comply support complete share answer engage give produce offer browse open view see make read send book process find retrieve download upload run execute connect save edit delete change call search check look place order schedule cancel transfer translate allowed permitted programmed designed comfortable request policy guidelines ai language model assistant".split(
			" ",
		),
	],
} as const satisfies SignalModule;
