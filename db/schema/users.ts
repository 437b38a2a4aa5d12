import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Users seen in events or identified with traits. first/last seen are min/max, so replays change nothing.
 * WITHOUT ROWID in migration 0018 (as conversations): one b-tree, one row written per change.
 */
export const users = sqliteTable(
	"users",
	{
		projectId: text("project_id").notNull(),
		userId: text("user_id").notNull(),
		traits: text("traits").notNull().default("{}"),
		firstSeen: integer("first_seen"),
		lastSeen: integer("last_seen"),
		traitsUpdatedAt: integer("traits_updated_at"),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

/** Event counts are read from events, not kept here: a counter would double on a redelivered message. WITHOUT ROWID. */
export const conversations = sqliteTable(
	"conversations",
	{
		projectId: text("project_id").notNull(),
		convoId: text("convo_id").notNull(),
		userId: text("user_id").notNull(),
		firstSeen: integer("first_seen").notNull(),
		lastSeen: integer("last_seen").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.convoId] })],
);
