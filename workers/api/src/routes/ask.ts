import { type Context, Hono } from "hono";
import { z } from "zod";
import { fieldErrors } from "#core/api-errors";
import { type AskResponse, type AskStatusResponse, askInputSchema } from "#core/api/ask";
import { ASK_EXAMPLES, ASK_QUESTION_CHARS } from "#core/assistant/ask-questions";
import { RATE_LIMITS } from "#core/limits";
import { ApiError } from "#shared/http/api-error";
import { overKeyLimit } from "#shared/http/rate-limit";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import type { AiRunner } from "../assistant/ask-budget";
import { ASK_MODEL, AskModelError, askQuestion, DEFAULT_ASK_BUDGET } from "../assistant/ask";
import { linkBase } from "../assistant/mcp-server";

/** A body this size still parses, so an overlong question is refused by name (`question`), not as a byte count. */
const MAX_ASK_BODY = 64 * 1024;

/** Optional overrides (wrangler vars or secrets), checked like any input. */
const askEnvSchema = z.object({
	ASK_MODEL: z
		.string()
		.regex(/^@[\w-]+\/[\w./-]+$/)
		.optional(),
	ASK_MAX_STEPS: z.coerce.number().int().min(1).max(20).optional(),
	ASK_MAX_TOKENS: z.coerce.number().int().min(1000).max(200_000).optional(),
});

/**
 * POST /api/ask: a question in plain words, answered from the project's data by Workers AI calling the
 * read tools (assistant/ask.ts). Offline there is no model: 503 `no_llm`, pointing to the MCP server,
 * through which the caller's own assistant reads the same tools.
 */
export function askRoutes(dispatch: (request: Request, c: Context<ApiContext>) => Response | Promise<Response>) {
	return new Hono<ApiContext>()
		.get("/", (c) => {
			const available = Boolean(c.env.AI);
			const model = available ? (askEnv(c.env).ASK_MODEL ?? ASK_MODEL) : null;
			return c.json({ data: { available, model, mcp_url: mcpUrl(c), examples: [...ASK_EXAMPLES] } } satisfies AskStatusResponse);
		})
		.post("/", async (c) => {
			const parsed = askInputSchema.safeParse(await readAskBody(c));
			if (!parsed.success) throw new ApiError(400, "invalid_body", "The question is not valid.", fieldErrors(parsed.error));
			const ai = c.env.AI as unknown as AiRunner | undefined;
			if (!ai) {
				throw new ApiError(
					503,
					"no_llm",
					`Ask needs Workers AI, which this instance does not have (it runs offline). Ask from your own AI assistant through the MCP server at ${mcpUrl(c)}: README, "MCP".`,
				);
			}
			// Counted only when a model would answer: a refused or offline question costs nothing.
			const refused = await overKeyLimit(c, c.env.ASK_RATE_LIMITER, RATE_LIMITS.ask, "questions");
			if (refused) return refused;
			const overrides = askEnv(c.env);
			try {
				const answer = await askQuestion(
					ai,
					parsed.data.question,
					{ fetch: async (request) => dispatch(request, c), authorization: c.req.header("authorization")!, dashboardUrl: linkBase(c) },
					{
						model: overrides.ASK_MODEL ?? ASK_MODEL,
						budget: {
							...DEFAULT_ASK_BUDGET,
							maxSteps: overrides.ASK_MAX_STEPS ?? DEFAULT_ASK_BUDGET.maxSteps,
							maxTokens: overrides.ASK_MAX_TOKENS ?? DEFAULT_ASK_BUDGET.maxTokens,
						},
					},
				);
				return c.json({ data: answer } satisfies AskResponse);
			} catch (err) {
				if (!(err instanceof AskModelError)) throw err;
				// The upstream error stays in the logs: it can hold the prompt, and it means nothing to the reader.
				console.error("ask: the model failed", err.cause ?? err);
				throw new ApiError(502, "llm_failed", "The model could not answer this question just now; try again in a moment.");
			}
		});
}

/** The MCP server sits on the api's own origin (locally the one URL of `npm start`). */
const mcpUrl = (c: Context<ApiContext>) => `${new URL(c.req.url).origin}/mcp`;

function askEnv(env: object): z.infer<typeof askEnvSchema> {
	const parsed = askEnvSchema.safeParse(env);
	if (parsed.success) return parsed.data;
	console.warn("ASK_* settings are not valid; using the defaults", fieldErrors(parsed.error));
	return {};
}

async function readAskBody(c: Context<ApiContext>): Promise<unknown> {
	try {
		return await readJsonBody(c, MAX_ASK_BODY);
	} catch (err) {
		if (err instanceof ApiError && err.status === 413) {
			throw new ApiError(413, "payload_too_large", `The question is far too long: it takes at most ${ASK_QUESTION_CHARS} characters.`, [
				{ field: "question", message: `must be at most ${ASK_QUESTION_CHARS} characters` },
			]);
		}
		throw err;
	}
}
