import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * Each user's last active UTC day, per project and per key (a signal, an intent, an intent and a
 * signal): the distinct users of a window that reaches the project's latest day are the rows whose
 * day falls in it, one row per user however many days they were active. The day tables they follow
 * (user_days, user_signal_days, event_intents, intent_signal_days) count every (key, user, day), so a
 * 30-day window read them 30 times over; these hold one row per (key, user).
 *
 * Kept by SQLite triggers on those tables (migration 0028): a row inserted moves the day forward; a
 * row deleted on the last day looks back for the user's previous day (a bounded seek, `day <= OLD.day`),
 * or takes the row when there is none. Bulk moves clear the rows first (a merge, a split, a user's
 * deletion: workers/shared/src/stores), so their triggers find nothing to look back for.
 * WITHOUT ROWID in the migration: one b-tree, one row written per change.
 */

/** From user_days. */
export const userLastDays = sqliteTable(
	"user_last_days",
	{
		projectId: text("project_id").notNull(),
		userId: text("user_id").notNull(),
		day: integer("day").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

/** From user_signal_days. */
export const signalUserLastDays = sqliteTable(
	"signal_user_last_days",
	{
		projectId: text("project_id").notNull(),
		signal: text("signal").notNull(),
		userId: text("user_id").notNull(),
		day: integer("day").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.signal, t.userId] })],
);

/** From event_intents. */
export const intentUserLastDays = sqliteTable(
	"intent_user_last_days",
	{
		projectId: text("project_id").notNull(),
		intentId: text("intent_id").notNull(),
		userId: text("user_id").notNull(),
		day: integer("day").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.intentId, t.userId] })],
);

/** From intent_signal_days. */
export const intentSignalUserLastDays = sqliteTable(
	"intent_signal_user_last_days",
	{
		projectId: text("project_id").notNull(),
		intentId: text("intent_id").notNull(),
		signal: text("signal").notNull(),
		userId: text("user_id").notNull(),
		day: integer("day").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.intentId, t.signal, t.userId] })],
);
