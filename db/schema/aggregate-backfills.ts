import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * How far the maintenance cron has filled an aggregate from events stored before it existed:
 * a cursor per project and aggregate, so each maintenance run does a bounded step.
 */
export const aggregateBackfills = sqliteTable(
	"aggregate_backfills",
	{
		projectId: text("project_id").notNull(),
		aggregate: text("aggregate").notNull(),
		cursorTimestamp: integer("cursor_timestamp"),
		cursorEventId: text("cursor_event_id"),
		doneAt: integer("done_at"),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.aggregate] })],
);
