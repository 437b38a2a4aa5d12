import type { DetectionInput } from "../detection-input";
import type { Evidence } from "../evidence";
import type { SignalModule } from "./signal-module";

/** The same tool failing again: at least 3 calls of it in the conversation, at least 2 with errors, one now. */
function toolLoopRule(x: DetectionInput): Evidence | null {
	const calls = [...(x.history ?? []).flatMap((t) => t.tool_calls ?? []), ...(x.tool_calls ?? [])];
	for (const current of x.tool_calls ?? []) {
		if (!current.error) continue;
		const same = calls.filter((c) => c.name === current.name);
		if (same.length >= 3 && same.filter((c) => c.error).length >= 2) {
			return { field: "tool_calls", start: 0, end: 0, text: `${current.name} called ${same.length}× with ${same.filter((c) => c.error).length} errors` };
		}
	}
	return null;
}

export const toolLoop = {
	definition: {
		name: "tool_loop",
		polarity: "negative",
		description: "The same tool called again and again in one conversation, with errors.",
	},
	contextRules: [toolLoopRule],
} as const satisfies SignalModule;
