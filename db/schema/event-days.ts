import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Events stored per project and UTC day: the volume line of signal rates, and the number of events a
 * search went through, without reading events. Kept by triggers on events (migration 0030): a stored
 * event adds 1 (a redelivered one is ignored and adds nothing), a deleted one takes 1 away. Retention
 * holds the counts (aggregate_holds: aggregates outlive raw events), so every day from a project's
 * oldest stored event on is exact. They hold no user.
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
