import { normalise } from "../naming-support";
import { apology, forgetting, jailbreak, laziness, nsfw } from "./conduct";
import { frustration } from "./frustration";
import type { SignalNamer } from "./namer";
import { refusal } from "./refusal";
import { TOOL_ERRORS, toolFailure, toolLoop, toolParts } from "./tool";
import { STATED_DATE, wrongDate } from "./wrong-date";

export type { Describe, SignalNamer } from "./namer";
export { toolLabel } from "./tool";

export const NAMERS: Record<string, SignalNamer> = {
	refusal,
	tool_failure: toolFailure,
	tool_loop: toolLoop,
	wrong_date: wrongDate,
	user_frustration: frustration,
	laziness,
	forgetting,
	excessive_apology: apology,
	jailbreak,
	nsfw,
};

/** The signal whose vocabulary this is (the callers that only pass signalVocabulary(signal)). */
export function guessSignal(text: string): string | undefined {
	const t = normalise(text);
	if (/^\s*\S+? called \d+\s*(?:×|x|times) with \d+ errors?/i.test(t)) return "tool_loop";
	if (toolParts(t) && TOOL_ERRORS.some(([re]) => re.test(toolParts(t)!.error)) && !/\s/.test(toolParts(t)!.tool)) return "tool_failure";
	if (STATED_DATE.test(t)) return "wrong_date";
	if (refusal.candidates(t).length) return "refusal";
	return undefined;
}
