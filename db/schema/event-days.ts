import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Events stored per project and UTC day: the volume line of signal rates, and the number of events a
 * search went through, without reading events. A queue batch adds its new events per day in one statement
 * (migration 0035, eventDaysWrite in the consumer; a redelivered event adds nothing), and a trigger on events
 * takes a deleted one away (migration 0030). Retention
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
