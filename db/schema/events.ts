import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per AI interaction. The client's event_id is the idempotency key, so the
 * primary key is (project, event_id) and a redelivered queue message inserts nothing.
 * Times are epoch milliseconds.
 */
export const events = sqliteTable(
	"events",
	{
		projectId: text("project_id").notNull(),
		eventId: text("event_id").notNull(),
		timestamp: integer("timestamp").notNull(),
		receivedAt: integer("received_at").notNull(),
		userId: text("user_id").notNull(),
		convoId: text("convo_id"),
		event: text("event").notNull(),
		model: text("model"),
		/** The first STORED_TEXT_CHARS of each text (core/event-bodies.ts); body_ref finds the whole texts in R2 when either is longer. */
		input: text("input"),
		output: text("output"),
		/** Where the event's whole input and output are sealed in R2, with their key (core/event-bodies.ts BodyRef), or null when these columns hold them whole. */
		bodyRef: text("body_ref"),
		/** JSON object of string / number / boolean values. */
		properties: text("properties").notNull().default("{}"),
		/** JSON array, or null when the event had none. */
		attachments: text("attachments"),
		toolCallCount: integer("tool_call_count").notNull().default(0),
	},
	(t) => [
		primaryKey({ columns: [t.projectId, t.eventId] }),
		index("events_project_time_idx").on(t.projectId, t.timestamp, t.eventId),
		index("events_project_user_time_idx").on(t.projectId, t.userId, t.timestamp),
		index("events_project_convo_time_idx").on(t.projectId, t.convoId, t.timestamp),
		index("events_project_model_time_idx").on(t.projectId, t.model, t.timestamp),
		// Alert rules read what was flagged since their last run from detections' (project, received_at) index, not
		// an index here: that cost a row written for every event, not only for the flagged ones (migration 0036).
	],
);

export const toolCalls = sqliteTable(
	"tool_calls",
	{
		projectId: text("project_id").notNull(),
		eventId: text("event_id").notNull(),
		/** Position in the event's tool_calls array. */
		idx: integer("idx").notNull(),
		timestamp: integer("timestamp").notNull(),
		userId: text("user_id").notNull(),
		convoId: text("convo_id"),
		name: text("name").notNull(),
		/** The first STORED_TOOL_CHARS of each payload (core/event-bodies.ts). */
		input: text("input"),
		output: text("output"),
		error: text("error"),
		durationMs: integer("duration_ms"),
		/** Where the call's whole input and output are sealed in R2 (core/event-bodies.ts), or null when input and output hold them whole. */
		bodyRef: text("body_ref"),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.eventId, t.idx] }), index("tool_calls_project_name_time_idx").on(t.projectId, t.name, t.timestamp)],
);
