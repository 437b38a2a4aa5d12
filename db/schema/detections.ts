import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Signals detected on an event (implicit or custom), with the stage that decided and the evidence span. */
export const detections = sqliteTable(
	"detections",
	{
		projectId: text("project_id").notNull(),
		eventId: text("event_id").notNull(),
		signal: text("signal").notNull(),
		score: real("score").notNull(),
		stage: text("stage").notNull(),
		evidenceField: text("evidence_field"),
		evidenceStart: integer("evidence_start"),
		evidenceEnd: integer("evidence_end"),
		evidenceText: text("evidence_text"),
		/** Why the LLM check decided, when it did. */
		reason: text("reason"),
		userId: text("user_id").notNull(),
		convoId: text("convo_id"),
		timestamp: integer("timestamp").notNull(),
		/**
		 * When ingest received the event (its events.received_at): every-match alerts read what was flagged since
		 * their last run by this index, which costs a row written per detection where an index on events cost one
		 * per event (migration 0036).
		 */
		receivedAt: integer("received_at").notNull().default(0),
	},
	(t) => [
		primaryKey({ columns: [t.projectId, t.eventId, t.signal] }),
		index("detections_project_received_idx").on(t.projectId, t.receivedAt),
		index("detections_project_signal_time_idx").on(t.projectId, t.signal, t.timestamp),
		// "Frustration later in the same conversation" (an issue's negative events) is one seek per event.
		index("detections_project_convo_idx").on(t.projectId, t.convoId, t.signal, t.timestamp),
	],
);

/**
 * One row per (project, UTC day, signal, user) that had the signal: distinct users are
 * exact counts of rows, and a redelivered message inserts nothing new. WITHOUT ROWID (migration 0018).
 */
export const userSignalDays = sqliteTable(
	"user_signal_days",
	{
		projectId: text("project_id").notNull(),
		day: integer("day").notNull(),
		signal: text("signal").notNull(),
		userId: text("user_id").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.signal, t.day, t.userId] }), index("user_signal_days_day_idx").on(t.projectId, t.day)],
);

/** Active users per UTC day: the denominator of "% of users affected". WITHOUT ROWID (migration 0018). */
export const userDays = sqliteTable(
	"user_days",
	{
		projectId: text("project_id").notNull(),
		day: integer("day").notNull(),
		userId: text("user_id").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.day, t.userId] })],
);

/** User-defined signals: keywords or a regular expression over input, output or both. */
export const customSignals = sqliteTable(
	"custom_signals",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id").notNull(),
		name: text("name").notNull(),
		description: text("description").notNull().default(""),
		polarity: text("polarity", { enum: ["negative", "positive"] }).notNull(),
		field: text("field", { enum: ["input", "output", "both"] }).notNull(),
		kind: text("kind", { enum: ["keywords", "regex", "deep_search"] }).notNull(),
		/** JSON array of keywords, the regex source, or the deep search id. */
		pattern: text("pattern").notNull(),
		caseSensitive: integer("case_sensitive", { mode: "boolean" }).notNull().default(false),
		createdAt: integer("created_at").notNull(),
		deletedAt: integer("deleted_at"),
	},
	(t) => [index("custom_signals_project_idx").on(t.projectId)],
);

/** LLM checks spent per project and UTC day, against DETECTION_LLM_DAILY_BUDGET. */
export const llmBudget = sqliteTable(
	"llm_budget",
	{
		projectId: text("project_id").notNull(),
		day: integer("day").notNull(),
		calls: integer("calls").notNull().default(0),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.day] })],
);
