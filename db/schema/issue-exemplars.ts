import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * What people taught the grouper: an event moved into an issue (must-link: events like it go
 * there) or out of one (cannot-link: events like it stay out). The detect worker embeds them into
 * the vector index as exemplars on its next pass.
 */
export const issueExemplars = sqliteTable(
	"issue_exemplars",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id").notNull(),
		signal: text("signal").notNull(),
		eventId: text("event_id").notNull(),
		/** must: pull similar events into issueId; cannot: keep similar events out of issueId. */
		kind: text("kind", { enum: ["must", "cannot"] }).notNull(),
		issueId: text("issue_id").notNull(),
		text: text("text").notNull(),
		createdBy: text("created_by").notNull(),
		createdAt: integer("created_at").notNull(),
		indexedAt: integer("indexed_at"),
	},
	(t) => [index("issue_exemplars_pending_idx").on(t.indexedAt)],
);
