import { z } from "zod";

/** Most responses wrap their payload as `{ "data": ... }`. */
export const dataOf = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

/** An ISO 8601 date-time as the API writes it (`new Date(ms).toISOString()`). */
export const isoTime = z.string().describe("ISO 8601 date-time, UTC");
