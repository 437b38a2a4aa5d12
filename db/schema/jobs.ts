import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Long-running work done a bounded slice per cron tick (workers/detect/src/jobs/): a backfill of
 * one kind for one project, resumable from `cursor` (opaque to everyone but its kind's handler),
 * with its progress (`done` of `total`) for the API to show.
 */
export const jobs = sqliteTable(
	"jobs",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id").notNull(),
		kind: text("kind").notNull(),
		state: text("state", { enum: ["queued", "running", "done", "failed"] })
			.notNull()
			.default("queued"),
		/** The kind's own parameters, JSON. */
		params: text("params").notNull().default("{}"),
		cursor: text("cursor"),
		done: integer("done").notNull().default(0),
		total: integer("total"),
		error: text("error"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [index("jobs_state_updated_idx").on(t.state, t.updatedAt), index("jobs_project_created_idx").on(t.projectId, t.createdAt)],
);
