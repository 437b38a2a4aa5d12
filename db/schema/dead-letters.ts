import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Messages that could not be processed after every retry, or whose body is not a valid
 * message at all. Kept so that nothing is dropped silently and an operator can replay them.
 */
export const deadLetters = sqliteTable(
	"dead_letters",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id"),
		queue: text("queue").notNull(),
		body: text("body").notNull(),
		reason: text("reason").notNull(),
		attempts: integer("attempts").notNull(),
		receivedAt: integer("received_at").notNull(),
	},
	(t) => [index("dead_letters_project_idx").on(t.projectId, t.receivedAt)],
);
