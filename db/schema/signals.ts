import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Explicit feedback on an event (thumbs, regenerate, copy, ...). A signal may arrive
 * before its event: it is stored anyway, and user_id / convo_id are filled in when
 * the event lands, so later views need no join to count users.
 */
export const signals = sqliteTable(
	"signals",
	{
		projectId: text("project_id").notNull(),
		signalId: text("signal_id").notNull(),
		eventId: text("event_id").notNull(),
		signal: text("signal").notNull(),
		timestamp: integer("timestamp").notNull(),
		/** Its event's time, once the event is stored (null before): the event list pages feedback by it (migration 0027). */
		eventTimestamp: integer("event_timestamp"),
		receivedAt: integer("received_at").notNull(),
		userId: text("user_id"),
		convoId: text("convo_id"),
		comment: text("comment"),
		properties: text("properties").notNull().default("{}"),
	},
	(t) => [
		primaryKey({ columns: [t.projectId, t.signalId] }),
		index("signals_project_event_idx").on(t.projectId, t.eventId),
		index("signals_project_signal_time_idx").on(t.projectId, t.signal, t.timestamp),
		// The event list filtered by a feedback signal walks it newest event first and stops at a page.
		index("signals_project_signal_event_time_idx").on(t.projectId, t.signal, t.eventTimestamp),
	],
);
