import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** What users ask for, discovered by clustering their inputs; people rename and merge them. */
export const intents = sqliteTable(
	"intents",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id").notNull(),
		name: text("name").notNull(),
		/** The most central input when the intent was found. */
		description: text("description").notNull(),
		model: text("model").notNull(),
		/** Set once a person renamed it: automatic naming no longer touches it. */
		namedBy: text("named_by"),
		/** A sub-intent's parent, after a person split the parent. */
		parentId: text("parent_id"),
		/** A person asked to split it into sub-intents; the maintenance pass does it. */
		splitRequestedAt: integer("split_requested_at"),
		createdAt: integer("created_at").notNull(),
		/** Priority factors a person sets (default 1), as on issues. */
		achievableDelta: real("achievable_delta").notNull().default(1),
		strategicRelevance: real("strategic_relevance").notNull().default(1),
	},
	(t) => [index("intents_project_idx").on(t.projectId)],
);

/**
 * The turn-level intent of each event with user input. WITHOUT ROWID (migration 0018): the row and its
 * index. The (project, day) index went in migration 0029: the conversation-level list, its one reader,
 * walks the window's events instead (it reads each event's conversation anyway), one row written less per event.
 */
export const eventIntents = sqliteTable(
	"event_intents",
	{
		projectId: text("project_id").notNull(),
		eventId: text("event_id").notNull(),
		intentId: text("intent_id").notNull(),
		userId: text("user_id").notNull(),
		timestamp: integer("timestamp").notNull(),
		day: integer("day").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.projectId, t.eventId] }),
		// Covering: an intent's events and distinct users in a window from the index alone.
		index("event_intents_intent_idx").on(t.intentId, t.day, t.userId),
	],
);

/**
 * The intent x signal matrix's rows: per project, UTC day, intent, signal and user, how many of
 * the user's events of that intent had that signal (a detection, or explicit feedback on the
 * event). Kept by SQLite triggers (migration 0019) on detections, signals and event_intents: a
 * signal or detection adds to its event's intent, an intent assigned later adds its event's
 * signals, an intent moved (merge, split) moves them, a deletion takes them out. The matrix reads
 * the window's rows, one per (intent, signal, user, day) however many events: bounded by the
 * flagged users and days, never by all events. WITHOUT ROWID in the migration.
 */
export const intentSignalDays = sqliteTable(
	"intent_signal_days",
	{
		projectId: text("project_id").notNull(),
		day: integer("day").notNull(),
		intentId: text("intent_id").notNull(),
		signal: text("signal").notNull(),
		userId: text("user_id").notNull(),
		events: integer("events").notNull().default(0),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.day, t.intentId, t.signal, t.userId] })],
);

/** Inputs not close to any intent yet. */
export const intentCandidates = sqliteTable(
	"intent_candidates",
	{
		projectId: text("project_id").notNull(),
		eventId: text("event_id").notNull(),
		text: text("text").notNull(),
		userId: text("user_id").notNull(),
		timestamp: integer("timestamp").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.eventId] }), index("intent_candidates_time_idx").on(t.projectId, t.timestamp)],
);
