import { z } from "zod";
import { ASK_QUESTION_CHARS } from "../assistant/ask-questions";
import { dataOf } from "./envelope";

/** POST /api/ask: a question in plain words about the project's production data. */
export const askInputSchema = z
	.object({
		question: z
			.string()
			.trim()
			.min(1, "is required")
			.max(ASK_QUESTION_CHARS, `must be at most ${ASK_QUESTION_CHARS} characters`)
			.describe("The question, e.g. “What share of users hit a tool failure yesterday?”"),
	})
	.strict();
export type AskInput = z.infer<typeof askInputSchema>;

export const askLinkSchema = z.object({
	kind: z.enum(["issue", "event", "conversation"]),
	id: z.string(),
	title: z.string().optional(),
	url: z.string().describe("The dashboard page"),
});
export type AskLink = z.infer<typeof askLinkSchema>;

export const askStepSchema = z.object({
	tool: z.string().describe("The read tool the model called (the MCP server's tools)"),
	arguments: z.unknown().describe("As the model sent them"),
	ok: z.boolean(),
	error: z.string().optional().describe("The error code the model was shown, e.g. `invalid_arguments`, `issue_not_found`, `unknown_tool`"),
});
export type AskStep = z.infer<typeof askStepSchema>;

export const askAnswerSchema = z.object({
	answer: z
		.string()
		.describe(
			"Markdown text. Issues, events and conversations the tools returned are linked to their dashboard pages; a reference the tools never returned is left unlinked.",
		),
	links: z.array(askLinkSchema).describe("The issues, events and conversations the answer links to"),
	steps: z.array(askStepSchema).describe("The tool calls the model made, in order"),
	usage: z.object({
		steps: z.number().int().describe("Model calls made"),
		tokens: z.number().int().describe("Tokens used (as the model reported them, else estimated at 4 characters a token)"),
		max_steps: z.number().int(),
		max_tokens: z.number().int(),
	}),
	stopped: z.enum(["answered", "budget"]).describe("`budget`: the step or token budget ran out and the model answered from what it had"),
	model: z.string(),
});
export type AskAnswer = z.infer<typeof askAnswerSchema>;

export const askResponseSchema = dataOf(askAnswerSchema);
export type AskResponse = z.infer<typeof askResponseSchema>;

/** GET /api/ask: whether this instance can answer (it has Workers AI), and where its MCP server is. */
export const askStatusSchema = z.object({
	available: z.boolean().describe("False offline: no Workers AI binding; POST /api/ask answers 503 `no_llm`"),
	model: z.string().nullable(),
	mcp_url: z.string().describe("The MCP server, for asking from your own AI assistant with a read key"),
	examples: z.array(z.string()).describe("Questions Ask answers well"),
});
export type AskStatus = z.infer<typeof askStatusSchema>;
export const askStatusResponseSchema = dataOf(askStatusSchema);
export type AskStatusResponse = z.infer<typeof askStatusResponseSchema>;
