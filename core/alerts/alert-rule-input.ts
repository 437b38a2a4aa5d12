import { z } from "zod";
import { propertiesSchema } from "../ingest-schemas";
import { ALERT_DESTINATIONS } from "./destinations";

/** What raises an alert; db/schema/alerts.ts types its column with this list. */
export const ALERT_RULE_KINDS = ["new_issue", "regressed", "escalating", "threshold", "every_match", "daily_brief"] as const;

const name = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");
const list = (what: string) =>
	z
		.array(z.string().trim().min(1).max(128), { error: `must be a list of ${what}` })
		.max(20, "at most 20 values")
		.optional();

export const alertFiltersSchema = z
	.object({
		signals: list("signal names"),
		intents: list("intent ids"),
		models: list("model names"),
		properties: propertiesSchema.optional(),
	})
	.strict();

export const thresholdSchema = z
	.object({
		subject: z.union([z.object({ signal: z.string().min(1).max(64) }).strict(), z.object({ issue_id: z.string().min(1).max(64) }).strict()], {
			error: "must be { signal } or { issue_id }",
		}),
		metric: z.enum(["users", "percent_users"]),
		value: z.number().positive("must be greater than 0"),
		window_minutes: z.number().int().min(5, "must be at least 5").max(43_200, "must be at most 30 days (43200)"),
	})
	.strict()
	.refine((t) => t.metric !== "percent_users" || t.value <= 100, { message: "a percentage must be at most 100", path: ["value"] });

export const destinationSchema = z
	.object({
		type: z.enum(ALERT_DESTINATIONS),
		url: z.string().max(2048, "must be at most 2048 characters"),
	})
	.strict();

const throttleMinutes = z.number().int().min(0).max(10_080, "must be at most a week (10080)");
const minUsers = z.number().int().min(1).max(1_000_000);
// A refine, not .int(): zod reports a non-integer as a type error, which the API words "is required".
const briefHourUtc = z.number().min(0, "must be at least 0").max(23, "must be at most 23").refine(Number.isInteger, "must be a whole hour from 0 to 23 (UTC)");

export const alertRuleInputSchema = z
	.object({
		name,
		kind: z.enum(ALERT_RULE_KINDS),
		filters: alertFiltersSchema.default({}),
		threshold: thresholdSchema.optional(),
		min_users: minUsers.optional(),
		/** Daily brief rules: the hour (UTC) the brief goes out; 8 when not given. */
		brief_hour_utc: briefHourUtc.optional(),
		destination: destinationSchema,
		throttle_minutes: throttleMinutes.optional(),
		enabled: z.boolean().default(true),
	})
	.strict()
	.superRefine((r, ctx) => {
		if (r.kind === "threshold" && !r.threshold) ctx.addIssue({ code: "custom", path: ["threshold"], message: "is required for a threshold rule" });
		if (r.kind !== "threshold" && r.threshold) ctx.addIssue({ code: "custom", path: ["threshold"], message: "only applies to threshold rules" });
		if (r.kind !== "escalating" && r.min_users !== undefined)
			ctx.addIssue({ code: "custom", path: ["min_users"], message: "only applies to escalating rules" });
		if (r.kind !== "daily_brief" && r.brief_hour_utc !== undefined)
			ctx.addIssue({ code: "custom", path: ["brief_hour_utc"], message: "only applies to daily brief rules" });
		if (r.kind === "daily_brief" && r.throttle_minutes)
			ctx.addIssue({ code: "custom", path: ["throttle_minutes"], message: "does not apply to daily brief rules (one brief a day)" });
	});

export const alertRulePatchSchema = z
	.object({
		name: name.optional(),
		filters: alertFiltersSchema.optional(),
		threshold: thresholdSchema.optional(),
		min_users: minUsers.optional(),
		brief_hour_utc: briefHourUtc.optional(),
		destination: destinationSchema.optional(),
		throttle_minutes: throttleMinutes.optional(),
		enabled: z.boolean().optional(),
		/** Minutes from now; 0 ends a snooze. */
		snooze_minutes: z.number().int().min(0).max(525_600).optional(),
		/** A new signing secret for a generic webhook, shown once in the response. */
		rotate_secret: z.literal(true).optional(),
	})
	.strict();

export type AlertRuleInput = z.output<typeof alertRuleInputSchema>;
export type AlertRulePatch = z.output<typeof alertRulePatchSchema>;
export type AlertFilters = z.output<typeof alertFiltersSchema>;
export type ThresholdParams = z.output<typeof thresholdSchema>;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];
export type { AlertDestinationType } from "./destinations";

/** Without a throttle set: one message per issue or signal per hour for rate rules, every time otherwise. */
export function defaultThrottleMinutes(kind: AlertRuleKind): number {
	return kind === "threshold" || kind === "escalating" ? 60 : 0;
}

export const DEFAULT_ESCALATION_MIN_USERS = 5;
export const DEFAULT_BRIEF_HOUR_UTC = 8;
