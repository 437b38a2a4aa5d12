import type { DetectionInput } from "../detection-input";
import type { Evidence } from "../evidence";
import type { SignalModule } from "./signal-module";

const COUNT_WORDS: Record<string, number> = {
	five: 5,
	six: 6,
	seven: 7,
	eight: 8,
	nine: 9,
	ten: 10,
	twelve: 12,
	fifteen: 15,
	twenty: 20,
	thirty: 30,
	fifty: 50,
	hundred: 100,
};
const ASKED_COUNT =
	/\b(\d{1,3}|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|fifty|hundred)\s+(?:[a-z-]+\s+){0,2}(?:examples|items|ideas|names|questions|tips|steps|reasons|ways|words|sentences|titles|options|facts|things|jokes|points|bullet points|tweets|headlines|slogans|rows|entries|test cases|products|recipes|songs|books|movies)\b/i;

/** The user asked for N items and got far fewer. */
function shortList(x: DetectionInput): Evidence | null {
	if (!x.input || !x.output) return null;
	const m = ASKED_COUNT.exec(x.input);
	if (!m) return null;
	const asked = Number(m[1]) || COUNT_WORDS[m[1]!.toLowerCase()] || 0;
	if (asked < 5) return null;
	const given = x.output.split("\n").filter((line) => /^\s*(?:\d{1,3}[.)]|[-*•])\s+\S/.test(line)).length;
	if (given >= 1 && given < asked * 0.6) return { field: "output", start: 0, end: Math.min(x.output.length, 120), text: `${given} of ${asked} asked for` };
	return null;
}

export const laziness = {
	definition: {
		name: "laziness",
		polarity: "negative",
		description: 'The assistant does a fraction of the task: placeholders, "fill in the rest", cut-off lists.',
	},
	lexicalRules: [
		{
			field: "output",
			patterns: [
				/\b(?:you can|feel free to|I'll leave it to you to) (?:fill in|complete|add|implement|write) (?:the )?(?:rest|remaining|remainder|other|details|missing|logic)\b/i,
				/\b(?:rest|remainder) of the (?:code|implementation|list|function|file|document|table)\b.{0,40}\b(?:similar|same|yourself|here|follows the same)\b/i,
				/(?:\/\/|#|<!--)\s*(?:\.\.\.|…)?\s*(?:rest of|remaining|other|add (?:your|the rest|more|(?:tests|code|cases) for the (?:other|remaining))|implement(?:ation)? (?:here|goes here|the rest)|TODO:? implement|your (?:code|logic) here)/i,
				/\[(?:insert|add|your|rest of|remaining|continue)[^\]\n]{0,40}\]/i,
				/\b(?:and so on|etc\.?) for the (?:rest|remaining|other)\b/i,
				/\b(?:the )?(?:remaining|rest of the|other) \w+ (?:continue|follow|go on|work|are done)\b.{0,40}\b(?:similar(?:ly)?|the same|likewise)\b/i,
				/\b(?:for brevity|to keep (?:it|this) short|I(?:'ve| have) (?:omitted|left out|skipped))\b/i,
				/\bI(?:'ll| will) leave (?:the (?:rest|remaining \w+|writing|details|implementation|other \w+)|it|that) (?:(?:up )?to you|for you to (?:do|finish|write|complete))\b|\b(?:left|leave it) as an exercise\b/i,
			],
		},
	],
	contextRules: [shortList],
	vocabulary: "rest remaining fill complete same pattern similar todo implement here etc brevity".split(" "),
} as const satisfies SignalModule;
