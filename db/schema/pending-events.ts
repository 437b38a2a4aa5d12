import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Events sent in parts (Raindrop's `begin()` … `finish()`, POST /v1/raindrop/events/track_partial),
 * merged here by the detect worker until complete: when the final part is merged, or after
 * PENDING_EVENT_TIMEOUT_MS without a part (the detect cron), the merged event is stored like any
 * event. `merged` is the JSON state (core/pending-events/pending-event-merge.ts); `parts` the ids of
 * the parts in it, so a redelivered part is merged once. Writes are compare-and-set on `version`,
 * so consumers in many isolates never lose each other's parts. WITHOUT ROWID in the migration.
 */
export const pendingEvents = sqliteTable(
	"pending_events",
	{
		projectId: text("project_id").notNull(),
		eventId: text("event_id").notNull(),
		merged: text("merged").notNull(),
		parts: text("parts").notNull(),
		version: integer("version").notNull(),
		updatedAt: integer("updated_at").notNull(),
		/** When the merged event went to the event path; a part arriving after it is a dead letter. */
		finalizedAt: integer("finalized_at"),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.eventId] }), index("pending_events_open_idx").on(t.finalizedAt, t.updatedAt)],
);
