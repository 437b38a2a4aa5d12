import { type AiLike, askVerdict, clip, type Verdict } from "#shared/adapters/workers-ai-verdict";

/** A candidate as the match check reads it. */
export interface CheckedEvent {
	id: string;
	input: string | null;
	output: string | null;
}

/**
 * The production match check (the api bound to Workers AI): each candidate of a round gets a binary
 * verdict with a one-line reason from an LLM reading the definition. Offline there is no binding,
 * and the encoder's scorer (core/deep-search matchCheck) speaks instead.
 */
export interface MatchChecker {
	/** Verdicts by event id; an event the model gave no usable answer for is absent. */
	check(definition: string, events: CheckedEvent[]): Promise<Map<string, Verdict>>;
}

const SYSTEM =
	"You label AI-assistant interactions for a monitoring tool against a problem described in words. Be strict: answer true only when the interaction clearly shows the described problem.";

export class WorkersAiMatchChecker implements MatchChecker {
	constructor(private readonly ai: AiLike | Ai) {}

	async check(definition: string, events: CheckedEvent[]): Promise<Map<string, Verdict>> {
		const answers = await Promise.all(
			events.map(async (e) => {
				const prompt = [
					`Problem: ${clip(definition, 2000)}`,
					`User: ${clip(e.input, 1500)}`,
					`Assistant: ${clip(e.output, 1500)}`,
					`Does this interaction show the problem? Answer with JSON {"match": true|false, "reason": "<one short sentence>"}.`,
				].join("\n\n");
				try {
					return [e.id, await askVerdict(this.ai, SYSTEM, prompt)] as const;
				} catch (err) {
					console.warn(`match check of ${e.id} failed; the encoder's verdict stands`, err);
					return [e.id, null] as const;
				}
			}),
		);
		return new Map(answers.filter((a): a is readonly [string, Verdict] => a[1] !== null));
	}
}
