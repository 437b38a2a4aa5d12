import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Tool calls from spans that name an app's own event (Raindrop's tool traces carry its `event_id`), kept
 * until that event is stored: then they join its tool calls before it is detected, and the row goes. When
 * the event is already stored they are added to it at once and never wait here. One row per trace part
 * (`source`), so a retried export writes nothing twice. If the event never comes, the detect cron stores
 * them as an event of their own. WITHOUT ROWID in the migration.
 */
export const eventLinks = sqliteTable(
	"event_links",
	{
		projectId: text("project_id").notNull(),
		eventId: text("event_id").notNull(),
		source: text("source").notNull(),
		/** The event the spans made (user, conversation, tool calls, any input and output): JSON. */
		body: text("body").notNull(),
		receivedAt: integer("received_at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.eventId, t.source] }), index("event_links_received_idx").on(t.receivedAt)],
);
