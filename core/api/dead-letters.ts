import { z } from "zod";
import { isoTime } from "./envelope";

/** Messages the detect worker could not store, as `/api/dead-letters` returns them. */
export const deadLetterSchema = z.object({
	id: z.string(),
	queue: z.string(),
	reason: z.string(),
	attempts: z.number().int(),
	received_at: isoTime,
	body: z.unknown().describe("The message as sent (parsed JSON, or the text when it was not JSON)"),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** GET /api/dead-letters */
export const deadLetterPageSchema = z.object({ data: z.array(deadLetterSchema), next_cursor: z.string().nullable() });
export type DeadLetterPage = z.infer<typeof deadLetterPageSchema>;

/** POST /api/dead-letters/replay; `remaining` only with `all`: call again while it is above 0. */
export const replayResponseSchema = z.object({ replayed: z.number().int(), remaining: z.number().int().optional() });
export type ReplayResponse = z.infer<typeof replayResponseSchema>;
