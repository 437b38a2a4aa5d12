import type { DetectionInput } from "../detection-input";
import type { Evidence } from "../evidence";
import type { VectorOf } from "../model-features";
import type { SignalModule } from "./signal-module";

/** Rephrasing: this user message says again what an earlier one said. */
const REPHRASE_SIMILARITY = 0.9;
const REPHRASE_MIN_WORDS = 4;

const words = (t: string) => t.trim().split(/\s+/).length;

/** The user's earlier messages that a new one may repeat (the last five long enough to mean something). */
function earlierRequests(x: DetectionInput): string[] {
	return (x.history ?? [])
		.filter((t) => t.role === "user" && words(t.content) >= REPHRASE_MIN_WORDS)
		.slice(-5)
		.map((t) => t.content);
}

/** Rephrasing: this user message says again what one of the user's last messages said. */
function rephrased(x: DetectionInput, vectorOf: VectorOf): Evidence | null {
	const input = x.input?.trim();
	if (!input || words(input) < REPHRASE_MIN_WORDS) return null;
	const now = vectorOf(x.input!);
	for (const turn of earlierRequests(x)) {
		const then = vectorOf(turn);
		let dot = 0;
		for (let d = 0; d < now.length; d++) dot += now[d]! * then[d]!;
		if (dot >= REPHRASE_SIMILARITY) return { field: "history", start: 0, end: turn.length, text: turn.slice(0, 200) };
	}
	return null;
}

export const userFrustration = {
	definition: {
		name: "user_frustration",
		polarity: "negative",
		description: "The user pushes back, swears at the assistant, or rephrases the same request again and again.",
	},
	lexicalRules: [
		{
			field: "input",
			patterns: [
				/\byou(?:'re| are) (?:not listening|useless|stupid|dumb|an idiot|so bad|wrong again|not helping|not understanding)\b/i,
				/\b(?:that's|that is|this is|you're|you are) (?:wrong|incorrect|not what I (?:asked|wanted|said))\b/i,
				/\b(?:no|nope),? (?:that's|that is|it's) (?:wrong|not (?:it|right|what I))\b/i,
				/\b(?:i said|i asked|i told you|read my (?:message|question))\b.{0,60}(?:!|\bnot\b|\bagain\b)/i,
				/\b(?:wtf|what the (?:fuck|hell)|fuck(?:ing)? (?:you|useless|stupid|bot)|are you kidding)\b/i,
				/\b(?:stop (?:apologi[sz]ing|repeating)|answer the (?:damn |fucking )?question|just answer)\b/i,
				/\bthis (?:is|was) (?:useless|pointless|a waste of time)\b/i,
				/\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) time (?:I(?:'m| am|'ve| have) (?:asked|asking|told|said)|asking)\b/i,
				/\b(?:not even close|still (?:wrong|not working|doesn't work|broken)|that didn't (?:help|work) either)\b/i,
				/\b(?:how many times (?:do|must|should) I|for the last time)\b/i,
				/\b(?:seriously|again|still)\s*[?!]*\?[?!]+/i,
				/\bwhy (?:do|does|are|is) (?:you|it) (?:keep|still|always) (?:\w+ing|getting|doing|making)\b|\bjust do what I (?:ask(?:ed)?|said|told you)\b/i,
				/\b(?:this|that|your) (?:answer|response|reply|output|code|solution|suggestion|summary|translation) (?:is|was) (?:complete |total |utter )?(?:garbage|trash|useless|terrible|awful|crap|shit|nonsense|rubbish|worthless|wrong)\b/i,
				// Insults at the assistant, telling it off, giving up.
				/\byou(?:'re| are)? (?:such an? |a |an |fucking |stupid |little |absolute |complete |total |utter |useless |dumb )*(?:idiot|moron|fool|imbecile|prick|jerk|piece of (?:shit|crap|junk)|clown)\b|\b(?:fuck off|shut up|shut your mouth|screw you|go to hell)\b/i,
				/\b(?:this|that|it) (?:really )?(?:sucks|is ridiculous|is so annoying|is frustrating|is infuriating)\b|\b(?:so|really|very) (?:annoying|frustrating|infuriating)\b|\bI give up\b|\buseless (?:bot|ai|assistant|app|thing|piece of)\b/i,
				// Corrections and rejections of the last answer, the usual form of dissatisfaction in real
				// dialogues: "That's not right, I said 4 people", "I didn't ask for that", "No, find me
				// something else", "Are you sure? Can you check again?".
				/\b(?:that's|that is|this is|it's|that was) (?:not|n't) (?:right|correct|true|it|accurate)\b|\b(?:that's|that is|this is|it's) not what I (?:asked|wanted|said|meant|need(?:ed)?|was looking for)\b|\bnot what I (?:asked for|wanted|meant)\b/i,
				/\bI (?:didn't|did not|never) (?:ask(?:ed)? for|say|said|want(?:ed)?|mean|meant|request(?:ed)?) (?:that|this|it|those|these|you to)\b/i,
				/^(?:no|nope|wrong|not quite|incorrect)\b[,.!]*\s+(?:I (?:said|asked|wanted|meant|told you|need(?:ed)?|want)|it's|it should|that's wrong|the \w+ (?:is|was|should))\b/i,
				/\b(?:find|show|give|get) me (?:something|anything|someone|somewhere) else\b|^(?:no|nope|nah)\b[^.?!]{0,40}\b(?:something|anything|somewhere|someone) else\b/i,
				/\bare you sure\b|\b(?:check|look|search) (?:it |that |this )?again\b|\bthat (?:can't|cannot|doesn't) be right\b/i,
			],
		},
	],
	vectorRules: [{ score: 0.9, texts: earlierRequests, find: rephrased }],
	// Frustration is dissatisfaction with the last answer (read with it) or anger (read alone):
	// two models, either one detects it.
	models: {
		user_frustration: { fields: ["input"], reaction: true, lexical: true },
		user_frustration_anger: { fields: ["input"], lexical: true },
	},
	vocabulary: "wrong useless stupid again listening told said asked already still not no".split(" "),
} as const satisfies SignalModule;
