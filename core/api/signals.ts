import { z } from "zod";
import { dataOf, isoTime } from "./envelope";

/** Signals as the read API returns them (`/api/signals`, `/api/custom-signals`). */
export const signalInfoSchema = z.object({
	name: z.string(),
	kind: z.enum(["implicit", "explicit", "custom"]),
	polarity: z.enum(["negative", "positive", "neutral"]),
	description: z.string(),
});
export type SignalInfo = z.infer<typeof signalInfoSchema>;

/** GET /api/signals */
export const signalCatalogSchema = dataOf(z.array(signalInfoSchema));

export const rateCellSchema = z.object({ users: z.number().int(), pct: z.number().describe("Share of the day's (or window's) active users, in percent") });
export type RateCell = z.infer<typeof rateCellSchema>;

export const signalRatesSchema = z.object({
	from: z.string(),
	to: z.string(),
	window: z
		.object({
			active_users: z.number().int(),
			any_negative: rateCellSchema.describe("Users with at least one negative signal (built-in or custom) in the window, whatever the signal filter"),
			signals: z.record(z.string(), rateCellSchema),
		})
		.describe("A user counted once however many days they had the signal"),
	days: z.array(z.object({ day: z.string(), active_users: z.number().int(), events: z.number().int(), signals: z.record(z.string(), rateCellSchema) })),
});
export type SignalRates = z.infer<typeof signalRatesSchema>;

/** GET /api/signals/rates */
export const signalRatesResponseSchema = dataOf(signalRatesSchema);

export const customSignalSchema = z.object({
	id: z.string(),
	name: z.string(),
	description: z.string(),
	polarity: z.enum(["negative", "positive"]),
	field: z.enum(["input", "output", "both"]),
	keywords: z.array(z.string()).optional(),
	regex: z.string().optional(),
	deep_search_id: z.string().optional().describe("Set for a saved deep search: its definition, labels and versions are at /api/deep-searches/:id"),
	case_sensitive: z.boolean(),
	created_at: isoTime,
});
export type CustomSignal = z.infer<typeof customSignalSchema>;

/** GET /api/custom-signals */
export const customSignalListSchema = dataOf(z.array(customSignalSchema));
/** POST /api/custom-signals (its body: customSignalInputSchema, core/detection/custom-signals.ts) */
export const customSignalResponseSchema = dataOf(customSignalSchema);
