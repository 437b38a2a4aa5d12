import { blob, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The embedded event vector store (dev and tests; Vectorize in production): one row per event and
 * part (input, output). `seq` only grows (AUTOINCREMENT: never reused after a delete), so a reader
 * loads a project's codes incrementally; a replaced vector is a new row with a new seq. `code` is
 * the sign bit of each dimension (64 bytes for 512-d), scanned in memory; `vector` the float32
 * values the shortlist is ranked by.
 */
export const eventVectors = sqliteTable(
	"event_vectors",
	{
		seq: integer("seq").primaryKey({ autoIncrement: true }),
		projectId: text("project_id").notNull(),
		eventId: text("event_id").notNull(),
		part: text("part", { enum: ["input", "output"] }).notNull(),
		model: text("model").notNull(),
		timestamp: integer("timestamp").notNull(),
		code: blob("code").notNull(),
		vector: blob("vector").notNull(),
	},
	(t) => [
		uniqueIndex("event_vectors_project_event_part_idx").on(t.projectId, t.eventId, t.part, t.model),
		index("event_vectors_project_seq_idx").on(t.projectId, t.seq),
	],
);
