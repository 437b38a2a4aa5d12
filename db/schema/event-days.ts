import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Events stored per project and UTC day: the volume line of signal rates without reading events.
 * The detect worker adds 1 in the same D1 batch that stores an event, guarded by "the event is
 * not stored yet", so a redelivered event adds nothing. Retention leaves the counts (aggregates
 * outlive raw events); they hold no user.
 */
export const eventDays = sqliteTable(
	"event_days",
	{
		projectId: text("project_id").notNull(),
		day: integer("day").notNull(),
		events: integer("events").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.day] })],
);
