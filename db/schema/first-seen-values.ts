import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const FIRST_SEEN_KINDS = ["model", "prompt_version", "release"] as const;

/**
 * When each model, `prompt_version` and `release` value was first seen in a project's events:
 * the release markers on charts. Kept on write as a min(), so a replayed event changes nothing,
 * and kept when retention deletes the events it came from (a marker is not personal data).
 */
export const firstSeenValues = sqliteTable(
	"first_seen_values",
	{
		projectId: text("project_id").notNull(),
		kind: text("kind", { enum: FIRST_SEEN_KINDS }).notNull(),
		value: text("value").notNull(),
		firstSeen: integer("first_seen").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.kind, t.value] }), index("first_seen_values_time_idx").on(t.projectId, t.firstSeen)],
);
