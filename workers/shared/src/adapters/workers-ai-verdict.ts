/**
 * A yes/no with a one-line reason from a Workers AI model asked for JSON: the detect worker's LLM
 * check of uncertain detections and deep search's match check both ask this way.
 */
export interface Verdict {
	match: boolean;
	reason: string;
}

/**
 * Llama 3.1 8B on Workers AI, asked for JSON. 8B is enough for a yes/no on one short
 * definition, and at a fraction of a 70B model's cost it can afford the uncertain band.
 */
export const JUDGE_MODEL = "@cf/meta/llama-3.1-8b-instruct";

export const clip = (text: string | null | undefined, n: number) => (text ? (text.length > n ? `${text.slice(0, n)}…` : text) : "(none)");

/** What of the Workers AI binding a verdict needs. */
export interface AiLike {
	run(model: never, inputs: never): Promise<unknown>;
}

/** Asks for `{ match, reason }`; null when the answer is not one. */
export async function askVerdict(ai: AiLike | Ai, system: string, prompt: string): Promise<Verdict | null> {
	const result = (await (ai as AiLike).run(
		JUDGE_MODEL as never,
		{
			messages: [
				{ role: "system", content: system },
				{ role: "user", content: prompt },
			],
			response_format: {
				type: "json_schema",
				json_schema: { type: "object", properties: { match: { type: "boolean" }, reason: { type: "string" } }, required: ["match", "reason"] },
			},
			max_tokens: 80,
		} as never,
	)) as { response?: unknown } | null;
	return parseVerdict(result?.response);
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
