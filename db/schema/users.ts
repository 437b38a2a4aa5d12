import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Users seen in events or identified with traits. first_seen is a min, so replays change nothing. The
 * last time seen is read from events (the newest on events_project_user_time_idx, one seek), not kept
 * here: keeping it rewrote this row for every event, a row written each (issue 20, migration 0034).
 * WITHOUT ROWID in migration 0018 (as conversations): one b-tree, one row written per change.
 */
export const users = sqliteTable(
	"users",
	{
		projectId: text("project_id").notNull(),
		userId: text("user_id").notNull(),
		traits: text("traits").notNull().default("{}"),
		firstSeen: integer("first_seen"),
		traitsUpdatedAt: integer("traits_updated_at"),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

/**
 * Event counts and the last turn's time are read from events (events_project_convo_time_idx), not kept
 * here: a counter would double on a redelivered message, and a last-seen time rewrote the row every turn.
 * The row is written on the first turn only (and when an earlier turn arrives late). WITHOUT ROWID.
 */
export const conversations = sqliteTable(
	"conversations",
	{
		projectId: text("project_id").notNull(),
		convoId: text("convo_id").notNull(),
		userId: text("user_id").notNull(),
		firstSeen: integer("first_seen").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.convoId] })],
);
