import type { DetectionInput } from "#core/detection/detection-input";
import type { SignalDefinition } from "#core/detection/signal-catalog";
import { askVerdict, clip, type Verdict } from "#shared/adapters/workers-ai-verdict";

export type { Verdict };

/** A binary check of one signal on one event: yes or no with a short reason, never a score. */
export interface SignalJudge {
	judge(signal: SignalDefinition, x: DetectionInput): Promise<Verdict | null>;
}

export class WorkersAiJudge implements SignalJudge {
	constructor(private readonly ai: Ai) {}

	async judge(signal: SignalDefinition, x: DetectionInput): Promise<Verdict | null> {
		const history = (x.history ?? [])
			.slice(-4)
			.map((t) => `${t.role}: ${clip(t.content, 400)}`)
			.join("\n");
		const prompt = [
			`Signal "${signal.name}": ${signal.description}`,
			history ? `Earlier turns:\n${history}` : "",
			`User: ${clip(x.input, 2000)}`,
			`Assistant: ${clip(x.output, 2000)}`,
			`Does this interaction show the signal? Answer with JSON {"match": true|false, "reason": "<one short sentence>"}.`,
		]
			.filter(Boolean)
			.join("\n\n");
		return askVerdict(
			this.ai,
			"You label AI-assistant conversations for a monitoring tool. Be strict: answer true only when the signal is clearly present.",
			prompt,
		);
	}
}
