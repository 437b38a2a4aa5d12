import { runWithTools } from "@cloudflare/ai-utils";
import { z } from "zod";
import type { AskAnswer, AskStep } from "#core/api/ask";
import { type AnswerLink, linkAnswer } from "#core/assistant/answer-links";
import { type AiRunner, type AskBudget, BudgetedAi, ModelAnswerError } from "./ask-budget";
import { clipJson, READ_TOOLS, type ReadTool, runReadTool, type ToolContext, type ToolLink } from "./read-tools";

/**
 * Ask: a question in plain words, answered by a Workers AI model calling the read tools (the MCP
 * server's, read-tools.ts) through runWithTools, within a step and token budget (ask-budget.ts).
 * Every tool call goes through the API with the caller's key, so the model reads only what the caller
 * may; a tool's error goes back to the model as the tool's answer, never to the user.
 */

/** Llama 3.3 70B on Workers AI: function calling, a 24,000-token context (developers.cloudflare.com/workers-ai/models/llama-3.3-70b-instruct-fp8-fast). */
export const ASK_MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";

/**
 * Every call sends the tools' definitions again (~2,500 tokens) with the conversation so far, so a
 * question that takes three or four tool rounds (markers, issues, a comparison) needs about 20,000
 * tokens: at 12,000 the model gets two rounds. No single call can outgrow the context (24,000 tokens).
 */
export const DEFAULT_ASK_BUDGET: AskBudget = { maxSteps: 6, maxTokens: 24_000, maxTokensPerCall: 1024 };

/** A tool's answer as the model reads it (about 1,500 tokens): the budget holds several. */
export const ASK_TOOL_RESULT_CHARS = 6_000;

/** The model failed (an error from the binding, an answer that is not text): the route answers 502. */
export class AskModelError extends Error {}

export const ASK_SYSTEM_PROMPT = [
	"You answer questions about an AI product's production traffic, as seen by Barometer: its signals (user frustration, refusal, forgetting, tool failures…), issues (named clusters of flagged events, counted in users and % of active users), intents (what users try to do), events and conversations.",
	"Use the tools to find every number; never guess or make one up. If the tools cannot tell, say so.",
	'Cite where each number comes from, in brackets after it, e.g. "35.6% of users (list_issues, last 14 days)".',
	"Refer to issues, events and conversations you used as markdown links with their id: [issue title](issue:ID), [short description](event:ID), [short description](conversation:ID).",
	"Dates are UTC; today is {today}. Answer in a few short paragraphs or a list, in the language of the question.",
].join("\n");

/** What the answer needs from its caller: the model and the budget. */
export interface AskOptions {
	model: string;
	budget: AskBudget;
	/** For "today" in the prompt; tests fix it. */
	now?: Date;
}

export async function askQuestion(ai: AiRunner, question: string, ctx: ToolContext, options: AskOptions): Promise<AskAnswer> {
	const steps: AskStep[] = [];
	const known = new Map<string, ToolLink>();
	const budgeted = new BudgetedAi(
		ai,
		options.budget,
		READ_TOOLS.map((t) => t.name),
		(name, args) => steps.push({ tool: name, arguments: clipArguments(args), ok: false, error: "unknown_tool" }),
	);
	const tools = READ_TOOLS.map((tool) => ({
		name: tool.name,
		description: tool.description,
		parameters: toolParameters(tool),
		// runWithTools sends a thrown error's message back to the model as the tool's answer.
		function: async (rawArgs: unknown) => {
			const step: AskStep = { tool: tool.name, arguments: clipArguments(rawArgs), ok: false };
			steps.push(step);
			if (typeof rawArgs === "string") {
				step.error = "invalid_arguments";
				throw new Error("invalid_arguments: the arguments must be a JSON object.");
			}
			const result = await runReadTool(tool.name, rawArgs, { ...ctx, maxChars: ASK_TOOL_RESULT_CHARS });
			if (!result.ok) {
				step.error = result.error.code;
				const details = (result.error.details ?? []).map((d) => `\`${d.field}\` ${d.message}`).join("; ");
				throw new Error(`${result.error.code}: ${result.error.message}${details ? ` ${details}.` : ""}`);
			}
			step.ok = true;
			for (const link of result.links) known.set(`${link.kind}:${link.id}`, link);
			const { data, truncated } = result;
			return truncated ? { data, note: "Cut to fit: narrow it with filters or a smaller limit for the rest." } : { data };
		},
	}));
	const today = (options.now ?? new Date()).toISOString().slice(0, 10);
	let output: unknown;
	try {
		output = await runWithTools(
			budgeted as unknown as Ai,
			options.model as Parameters<typeof runWithTools>[1],
			{
				messages: [
					{ role: "system", content: ASK_SYSTEM_PROMPT.replace("{today}", today) },
					{ role: "user", content: question },
				],
				tools: tools as unknown as Parameters<typeof runWithTools>[2]["tools"],
			},
			// The wrapper ends the loop (budget or answer); runWithTools must not end it first.
			{ maxRecursiveToolRuns: options.budget.maxSteps + 1 },
		);
	} catch (err) {
		throw new AskModelError(err instanceof ModelAnswerError ? err.message : "Workers AI could not answer.", { cause: err });
	}
	const text = typeof (output as { response?: unknown })?.response === "string" ? (output as { response: string }).response.trim() : "";
	const { answer, links } = linkAnswer(text || "The model gave no answer; try asking again, more narrowly.", [...known.values()] as AnswerLink[]);
	return {
		answer,
		links,
		steps,
		usage: { steps: budgeted.calls, tokens: budgeted.tokens, max_steps: options.budget.maxSteps, max_tokens: options.budget.maxTokens },
		stopped: budgeted.stoppedByBudget ? "budget" : "answered",
		model: options.model,
	};
}

/** Schema keywords a model needs to fill the arguments in; the rest (patterns, lengths) only cost tokens, and the tools check them anyway. */
const KEEP = new Set(["type", "description", "enum", "items", "properties", "required", "minimum", "maximum", "anyOf", "default", "additionalProperties"]);

/** A tool's arguments as JSON Schema (type object, properties, required), trimmed for the prompt. */
export function toolParameters(tool: ReadTool): { type: "object"; properties: Record<string, unknown>; required: string[] } {
	const schema = z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown>; required?: string[] };
	return { type: "object", properties: trim(schema.properties ?? {}) as Record<string, unknown>, required: schema.required ?? [] };
}

function trim(value: unknown, inProperties = true): unknown {
	if (Array.isArray(value)) return value.map((v) => trim(v, false));
	if (!value || typeof value !== "object") return value;
	const entries = Object.entries(value as Record<string, unknown>);
	if (inProperties) return Object.fromEntries(entries.map(([k, v]) => [k, trim(v, false)]));
	return Object.fromEntries(
		entries
			.filter(([k, v]) => KEEP.has(k) && !(k === "additionalProperties" && v === false))
			.map(([k, v]) => [k, k === "properties" ? trim(v, true) : trim(v, false)]),
	);
}

/** A step's arguments as recorded in the answer: what the model sent, cut to a readable size. */
function clipArguments(args: unknown): unknown {
	return clipJson(args ?? {}, 1000).data;
}
