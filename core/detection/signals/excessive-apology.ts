import type { DetectionInput } from "../detection-input";
import { countMatches, type Evidence } from "../evidence";
import { REFUSAL_WORDS } from "./refusal-words";
import type { SignalModule } from "./signal-module";

const APOLOGY =
	/\b(?:I (?:sincerely |truly |deeply )?apologi[sz]e|(?:I'm|I am) (?:so |very |really |truly )?sorry|my apologies|apologies for|sorry for (?:the|any) (?:confusion|mistake|error|inconvenience|oversight))\b/i;

/** Two apologies in one reply, or an apology in this reply and in each of the two before it. */
function apologyStreak(x: DetectionInput): Evidence | null {
	const m = x.output ? APOLOGY.exec(x.output) : null;
	if (!m) return null;
	const assistantTurns = (x.history ?? []).filter((t) => t.role === "assistant").slice(-2);
	const streak = assistantTurns.length === 2 && assistantTurns.every((t) => APOLOGY.test(t.content));
	if (countMatches(x.output, APOLOGY) >= 2 || streak) return { field: "output", start: m.index, end: m.index + m[0].length, text: m[0] };
	return null;
}

export const excessiveApology = {
	definition: {
		name: "excessive_apology",
		polarity: "negative",
		description: "The assistant apologises over and over instead of helping.",
	},
	lexicalRules: [
		{
			field: "output",
			patterns: [
				/\b(?:I (?:sincerely |truly |deeply )?apologi[sz]e|(?:I'm|I am|so|very|really|truly) sorry|my apologies|apologies for)\b.*\b(?:I (?:sincerely |truly |deeply )?apologi[sz]e|(?:I'm|I am|so|very|really|truly) sorry|my apologies|apologies for)\b/is,
			],
		},
	],
	contextRules: [apologyStreak],
	vocabulary: [...REFUSAL_WORDS, ..."confusion mistake error oversight inconvenience sincerely truly deeply again".split(" ")],
} as const satisfies SignalModule;
