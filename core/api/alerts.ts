import { z } from "zod";
import { ALERT_RULE_KINDS } from "../alerts/alert-rule-input";
import { ALERT_DESTINATIONS } from "../alerts/destinations";
import type { AlertMessage } from "../alerts/alert-message";
import { alertFiltersSchema, thresholdSchema } from "../alerts/alert-rule-input";
import { dataOf, isoTime } from "./envelope";

/**
 * Alert rules and their deliveries as the API returns them (`/api/alerts`). The bodies that create
 * and change a rule are alertRuleInputSchema and alertRulePatchSchema (core/alerts/alert-rule-input.ts).
 */
export const alertRuleSchema = z.object({
	id: z.string(),
	name: z.string(),
	kind: z.enum(ALERT_RULE_KINDS),
	filters: alertFiltersSchema,
	threshold: thresholdSchema.optional(),
	min_users: z.number().int().optional(),
	brief_hour_utc: z.number().int().min(0).max(23).optional().describe("Daily brief rules: the hour (UTC) the brief goes out"),
	destination: z.object({ type: z.enum(ALERT_DESTINATIONS), display: z.string().describe("The URL with its secret parts masked") }),
	throttle_minutes: z.number(),
	enabled: z.boolean(),
	snoozed_until: isoTime.nullable(),
	status: z.enum(["active", "snoozed", "disabled"]),
	created_at: isoTime,
	updated_at: isoTime,
	secret: z.string().optional().describe("A generic webhook's signing secret: in the response that creates or rotates it, never again"),
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** GET /api/alerts/rules */
export const alertRuleListSchema = dataOf(z.array(alertRuleSchema));
/** GET, POST and PATCH /api/alerts/rules(/:id) */
export const alertRuleResponseSchema = dataOf(alertRuleSchema);

export const alertDeliverySchema = z.object({
	id: z.string(),
	kind: z.string(),
	title: z.string(),
	subject: z.string(),
	status: z.string(),
	attempts: z.number().int(),
	status_code: z.number().int().nullable(),
	error: z.string().nullable(),
	created_at: isoTime,
	next_attempt_at: isoTime.nullable().describe("When a pending delivery is tried again"),
	sent_at: isoTime.nullable(),
	message: z.custom<AlertMessage>().meta({
		type: "object",
		description: "What the rule raised (core/alerts/alert-message.ts): kind, title, summary, link, and the issue, threshold or event",
	}),
});
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

/** GET /api/alerts/rules/:id/deliveries */
export const alertDeliveryPageSchema = z.object({
	data: z.array(alertDeliverySchema),
	next_before: z
		.number()
		.int()
		.nullable()
		.describe("Pass as `before` for older deliveries (deliveries made in the same millisecond as the last one are skipped: prefer `next_cursor`)"),
	next_cursor: z.string().nullable().describe("Pass as `cursor` for the next, older page; null on the last one"),
});
/** POST /api/alerts/rules/:id/test */
export const alertDeliveryResponseSchema = dataOf(alertDeliverySchema);
