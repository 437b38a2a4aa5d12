import { z } from "zod";

/** Most responses wrap their payload as `{ "data": ... }`. */
export const dataOf = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

/** An ISO 8601 date-time as the API writes it (`new Date(ms).toISOString()`). */
export const isoTime = z.string().describe("ISO 8601 date-time, UTC");

/** Every error the API answers: a code, a sentence, and the fields at fault. */
export const apiErrorSchema = z.object({
	error: z.object({
		code: z.string(),
		message: z.string(),
		details: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
	}),
});
