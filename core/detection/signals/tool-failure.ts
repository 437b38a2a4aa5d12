import type { DetectionInput } from "../detection-input";
import type { Evidence } from "../evidence";
import type { SignalModule } from "./signal-module";

function toolFailureRule(x: DetectionInput): Evidence | null {
	const failed = (x.tool_calls ?? []).find((t) => t.error);
	return failed ? { field: "tool_calls", start: 0, end: 0, text: `${failed.name}: ${String(failed.error).slice(0, 200)}` } : null;
}

export const toolFailure = {
	definition: {
		name: "tool_failure",
		polarity: "negative",
		description: "A tool call returned an error.",
	},
	contextRules: [toolFailureRule],
} as const satisfies SignalModule;
