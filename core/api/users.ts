import { z } from "zod";

/** DELETE /api/users/:id: 200 when the user's data is gone, 202 while some remains (call again). */
export const userDeletionSchema = z.object({
	user_id: z.string().describe("The stored id: the keyed hash when the given id held personal data"),
	deleted: z.record(z.string(), z.number().int()).describe("Rows deleted by this request, per table; `vectors` counts ids removed from the vector index"),
	done: z.boolean(),
	remaining_events: z.number().int(),
});
export type UserDeletion = z.infer<typeof userDeletionSchema>;

export const userDeletionResponseSchema = z.object({ data: userDeletionSchema });
export type UserDeletionResponse = z.infer<typeof userDeletionResponseSchema>;
