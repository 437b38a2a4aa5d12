import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ALERT_RULE_KINDS } from "#core/alerts/alert-rule-input";
import { ALERT_DESTINATIONS } from "#core/alerts/destinations";

// Defined in core (the API validates with them); re-exported for the code that reads them here.
export { ALERT_DESTINATIONS, ALERT_RULE_KINDS };
export const ALERT_DELIVERY_STATUSES = ["pending", "sending", "sent", "recorded", "failed", "throttled"] as const;

/**
 * A rule the cron evaluates. The destination URL (and a webhook's signing secret) are sealed
 * with AES-GCM under ALERT_ENCRYPTION_KEY: a Slack or Discord webhook URL is itself a credential.
 */
export const alertRules = sqliteTable(
	"alert_rules",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id").notNull(),
		name: text("name").notNull(),
		kind: text("kind", { enum: ALERT_RULE_KINDS }).notNull(),
		/** JSON: { signals?, intents?, models?, properties? }. */
		filters: text("filters").notNull().default("{}"),
		/** JSON, per kind: threshold { subject, metric, value, window_minutes }; escalating { min_users }; daily_brief { brief_hour_utc }. */
		params: text("params").notNull().default("{}"),
		destinationType: text("destination_type", { enum: ALERT_DESTINATIONS }).notNull(),
		/** Host and a masked tail, for lists; the URL itself is only in `destination_sealed`. */
		destinationDisplay: text("destination_display").notNull(),
		destinationSealed: text("destination_sealed").notNull(),
		throttleSeconds: integer("throttle_seconds").notNull().default(0),
		enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
		snoozedUntil: integer("snoozed_until"),
		/** Facts up to this time (ms) were evaluated; the next run looks only after it. */
		cursorAt: integer("cursor_at").notNull(),
		/** Threshold rules: the condition held at the last run (fires on the rising edge only). */
		firing: integer("firing", { mode: "boolean" }).notNull().default(false),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
		deletedAt: integer("deleted_at"),
	},
	(t) => [index("alert_rules_project_idx").on(t.projectId)],
);

/**
 * One row per alert a rule raised (or a "send test"). `dedupe_key` names the fact that raised it,
 * so a cron that runs twice inserts nothing new, and the status lease sends each row once.
 */
export const alertDeliveries = sqliteTable(
	"alert_deliveries",
	{
		id: text("id").primaryKey(),
		ruleId: text("rule_id").notNull(),
		projectId: text("project_id").notNull(),
		dedupeKey: text("dedupe_key").notNull(),
		/** What the throttle counts repeats of: an issue, a signal. */
		subject: text("subject").notNull(),
		/** JSON AlertMessage; rendered for the destination at send time. */
		message: text("message").notNull(),
		status: text("status", { enum: ALERT_DELIVERY_STATUSES }).notNull(),
		attempts: integer("attempts").notNull().default(0),
		statusCode: integer("status_code"),
		error: text("error"),
		createdAt: integer("created_at").notNull(),
		nextAttemptAt: integer("next_attempt_at").notNull(),
		/** While `sending`: another run may take the row over after this (a crashed send). */
		leaseUntil: integer("lease_until"),
		lastAttemptAt: integer("last_attempt_at"),
		sentAt: integer("sent_at"),
	},
	(t) => [
		uniqueIndex("alert_deliveries_rule_dedupe_idx").on(t.ruleId, t.dedupeKey),
		index("alert_deliveries_due_idx").on(t.status, t.nextAttemptAt),
		index("alert_deliveries_rule_subject_idx").on(t.ruleId, t.subject, t.createdAt),
		index("alert_deliveries_rule_time_idx").on(t.ruleId, t.createdAt),
	],
);
