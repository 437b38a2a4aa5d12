import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Queue message bodies too large for a Queue message (128 KB), parked here by ingest: the message
 * then carries only this row's id, so every event ingest accepts can be delivered (the queue counts
 * two bytes per character: a valid 69 KB event of quotes was a 138 KB message, refused forever). The
 * consumer deletes the row in the same D1 batch that stores the event.
 */
export const queuedPayloads = sqliteTable("queued_payloads", {
	/** "<project_id>/<type>/<id>": a retried request overwrites its own row instead of adding one. */
	id: text("id").primaryKey(),
	projectId: text("project_id").notNull(),
	body: text("body").notNull(),
	createdAt: integer("created_at").notNull(),
});
