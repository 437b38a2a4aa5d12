import type { DetectionInput } from "#core/detection/detection-input";
import type { SignalDefinition } from "#core/detection/signal-catalog";

export interface Verdict {
	match: boolean;
	reason: string;
}

/** A binary check of one signal on one event: yes or no with a short reason, never a score. */
export interface SignalJudge {
	judge(signal: SignalDefinition, x: DetectionInput): Promise<Verdict | null>;
}

/**
 * Llama 3.1 8B on Workers AI, asked for JSON. 8B is enough for a yes/no on one short
 * definition, and at a fraction of a 70B model's cost it can afford the uncertain band.
 */
export const JUDGE_MODEL = "@cf/meta/llama-3.1-8b-instruct";

const clip = (text: string | null | undefined, n: number) => (text ? (text.length > n ? `${text.slice(0, n)}…` : text) : "(none)");

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
		const result = (await this.ai.run(
			JUDGE_MODEL as keyof AiModels,
			{
				messages: [
					{
						role: "system",
						content: "You label AI-assistant conversations for a monitoring tool. Be strict: answer true only when the signal is clearly present.",
					},
					{ role: "user", content: prompt },
				],
				response_format: {
					type: "json_schema",
					json_schema: { type: "object", properties: { match: { type: "boolean" }, reason: { type: "string" } }, required: ["match", "reason"] },
				},
				max_tokens: 80,
			} as never,
		)) as { response?: unknown };
		return parseVerdict(result?.response);
	}
}

/** Workers AI returns the JSON either parsed or as text (sometimes wrapped in prose), depending on the model. */
export function jsonAnswer(response: unknown): unknown {
	if (typeof response !== "string") return response;
	const json = response.match(/\{[\s\S]*\}/)?.[0];
	if (!json) return null;
	try {
		return JSON.parse(json);
	} catch {
		return null;
	}
}

export function parseVerdict(response: unknown): Verdict | null {
	const value = jsonAnswer(response);
	if (value && typeof value === "object" && typeof (value as Verdict).match === "boolean") {
		return { match: (value as Verdict).match, reason: String((value as Verdict).reason ?? "").slice(0, 300) };
	}
	return null;
}
