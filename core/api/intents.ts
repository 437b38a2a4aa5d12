import { z } from "zod";
import { dataOf, isoTime } from "./envelope";

/** Intents as the read API returns them (`/api/intents`), and the body that changes one. */
export const intentSchema = z.object({
	id: z.string(),
	name: z.string(),
	description: z.string(),
	parent_id: z.string().nullable().describe("The intent it was split from"),
	renamed: z.boolean().describe("Named by a person rather than by the clustering"),
	events: z.number().int(),
	users: z.number().int(),
	pct_users: z.number().describe("Share of the window's active users, in percent"),
	created_at: isoTime,
});
export type Intent = z.infer<typeof intentSchema>;

/** GET /api/intents (`level=turn`, the default) */
export const intentListSchema = z.object({ active_users: z.number().int(), data: z.array(intentSchema) });
export type IntentList = z.infer<typeof intentListSchema>;

/** GET /api/intents?level=conversation: a conversation counts under its opening request's intent. */
export const conversationIntentListSchema = z.object({
	level: z.literal("conversation"),
	conversations: z.number().int(),
	data: z.array(z.object({ id: z.string(), name: z.string(), conversations: z.number().int(), users: z.number().int(), pct_conversations: z.number() })),
});
export type ConversationIntentList = z.infer<typeof conversationIntentListSchema>;

/** The `level` query of GET /api/intents. */
export const intentLevelSchema = z.enum(["turn", "conversation"]).default("turn");

const rateCell = z.object({ users: z.number().int(), pct: z.number().describe("percent") });

export const matrixRowSchema = z.object({
	intent_id: z.string(),
	name: z.string(),
	users: z.number().int(),
	negative_users: z.number().int(),
	priority: z.number().describe("Users who hit a negative signal × achievable delta × strategic relevance, as for issues"),
	achievable_delta: z.number(),
	strategic_relevance: z.number(),
	signals: z.record(z.string(), rateCell).describe("Signal → its users among the intent's users"),
});
export type MatrixRow = z.infer<typeof matrixRowSchema>;

/** GET /api/intents/matrix */
export const intentMatrixSchema = dataOf(z.array(matrixRowSchema));

/** PATCH /api/intents/:id */
export const intentPatchSchema = z
	.object({
		name: z.string().trim().min(1).max(120).optional(),
		achievable_delta: z.number().min(0).max(10).optional(),
		strategic_relevance: z.number().min(0).max(10).optional(),
	})
	.strict()
	.refine((v) => Object.keys(v).length > 0, "give name, achievable_delta or strategic_relevance");
export type IntentPatch = z.input<typeof intentPatchSchema>;
export const intentPatchResponseSchema = dataOf(z.object({ id: z.string(), name: z.string(), achievable_delta: z.number(), strategic_relevance: z.number() }));
