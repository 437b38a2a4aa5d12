/**
 * A Workers AI binding with a budget, for `runWithTools` (@cloudflare/ai-utils). runWithTools
 * recurses while the model asks for tools, then makes one more call without tools; it drops calls to
 * tools that do not exist without a word, and sets no `max_tokens`. This wrapper sits between it and
 * the real binding and bounds every question: it counts model calls and tokens, caps each answer, and
 * once either budget is spent makes the next call answer-only (no tools, told to answer from what it
 * has), after which nothing reaches the model again. It also tells the model about tools that do not
 * exist, so it can correct itself on the next call.
 */

export interface AskBudget {
	/** Model calls per question, the final answer included. */
	maxSteps: number;
	/** Tokens per question, over all its calls (each call's prompt counts again). */
	maxTokens: number;
	/** `max_tokens` of each call. */
	maxTokensPerCall: number;
}

/** The binding as this needs it: `env.AI` satisfies it. */
export interface AiRunner {
	run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

export type ChatMessage = { role: string; content: string; name?: string };
export type ToolCall = { name: string; arguments: unknown };
export type ModelOutput = { response: string; tool_calls: ToolCall[]; usage?: { total_tokens?: number } };

/** More tool calls than this in one model answer are not run (the model is told). */
export const MAX_TOOL_CALLS_PER_STEP = 5;

export const BUDGET_REACHED = "Budget reached: answer from what you have, say what you could not check. Do not call tools.";

/** A model answer we cannot use (a stream, nothing): the route turns it into a 502. */
export class ModelAnswerError extends Error {}

/** Four characters a token: what we count when the model reports no usage. */
export const estimateTokens = (value: unknown) => Math.ceil((typeof value === "string" ? value : JSON.stringify(value ?? "")).length / 4);

export class BudgetedAi implements AiRunner {
	calls = 0;
	tokens = 0;
	/** True when the budget, not the model, ended the tool calls. */
	stoppedByBudget = false;
	private last: ModelOutput | null = null;
	private pending: ChatMessage[] = [];

	constructor(
		private readonly ai: AiRunner,
		private readonly budget: AskBudget,
		private readonly toolNames: readonly string[],
		/** A call the model made to a tool that does not exist (for the answer's steps). */
		private readonly onUnknownTool: (name: string, args: unknown) => void,
	) {}

	async run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<ModelOutput> {
		// runWithTools calls once more after the model answered without tools: the answer is already here.
		if (this.last && this.last.tool_calls.length === 0) return this.last;
		// runWithTools' messages array lives across calls: what is added here, the model keeps seeing.
		const messages = inputs.messages as ChatMessage[];
		messages.push(...this.pending.splice(0));
		const tools = Array.isArray(inputs.tools) && inputs.tools.length > 0 ? inputs.tools : null;
		const estimate = estimateTokens(messages) + (tools ? estimateTokens(tools) : 0);
		const lastStep = this.calls >= this.budget.maxSteps - 1;
		const answerOnly = !tools || lastStep || this.tokens + estimate > this.budget.maxTokens;
		if (answerOnly) {
			this.stoppedByBudget = true;
			messages.push({ role: "system", content: BUDGET_REACHED });
		}
		const request = { messages, ...(answerOnly ? {} : { tools }), max_tokens: this.budget.maxTokensPerCall };
		this.calls++;
		const output = normalizeOutput(await this.ai.run(model, request, options));
		this.tokens += output.usage?.total_tokens ?? estimateTokens(request) + estimateTokens(output);
		// Answer-only is the last call: tool calls it still asks for are not run.
		output.tool_calls = answerOnly ? [] : this.screen(output.tool_calls);
		this.last = output;
		return output;
	}

	/**
	 * Calls to unknown tools are answered here (runWithTools skips them without a word, but still takes
	 * another step because the model asked for a tool); calls past the per-step cap are not run.
	 */
	private screen(calls: ToolCall[]): ToolCall[] {
		let known = 0;
		return calls.filter((call) => {
			if (!this.toolNames.includes(call.name)) {
				const name = call.name.slice(0, 100);
				this.onUnknownTool(name, call.arguments);
				this.pending.push({
					role: "tool",
					name,
					content: `Error: unknown_tool: there is no tool named \`${name}\`; every tool only reads. Tools: ${this.toolNames.join(", ")}.`,
				});
				return true;
			}
			if (++known <= MAX_TOOL_CALLS_PER_STEP) return true;
			this.pending.push({
				role: "tool",
				name: call.name,
				content: `Error: too_many_calls: at most ${MAX_TOOL_CALLS_PER_STEP} tool calls run per step; this call to \`${call.name}\` was not run.`,
			});
			return false;
		});
	}
}

/**
 * `{ response, tool_calls, usage }` whatever the model's dialect: tool calls flat (`{ name, arguments }`,
 * what runWithTools reads) or OpenAI-style (`{ function: { name, arguments } }`), arguments as an object
 * or as JSON text.
 */
export function normalizeOutput(raw: unknown): ModelOutput {
	if (typeof raw === "string") return { response: raw, tool_calls: [] };
	if (!raw || typeof raw !== "object" || raw instanceof ReadableStream) throw new ModelAnswerError("The model's answer is not text.");
	const o = raw as { response?: unknown; tool_calls?: unknown; usage?: { total_tokens?: unknown } };
	const calls = Array.isArray(o.tool_calls) ? o.tool_calls : [];
	const tool_calls = calls.flatMap((c): ToolCall[] => {
		if (!c || typeof c !== "object") return [];
		const call = c as { name?: unknown; arguments?: unknown; function?: { name?: unknown; arguments?: unknown } };
		const name = call.function?.name ?? call.name;
		if (typeof name !== "string" || !name) return [];
		return [{ name, arguments: parseArguments(call.function ? call.function.arguments : call.arguments) }];
	});
	const total = o.usage?.total_tokens;
	return {
		response: typeof o.response === "string" ? o.response : o.response == null ? "" : JSON.stringify(o.response),
		tool_calls,
		...(typeof total === "number" && Number.isFinite(total) && total >= 0 ? { usage: { total_tokens: total } } : {}),
	};
}

function parseArguments(args: unknown): unknown {
	if (typeof args !== "string") return args ?? {};
	try {
		return JSON.parse(args);
	} catch {
		return args;
	}
}
