import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const projects = sqliteTable("projects", {
	id: text("id").primaryKey(),
	name: text("name").notNull(),
	createdAt: integer("created_at").notNull(),
});

/**
 * Keys are stored as SHA-256 of the whole token: they are 160-bit random strings,
 * so a slow password hash adds nothing but latency on every ingest request.
 */
export const apiKeys = sqliteTable(
	"api_keys",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id").notNull().references(() => projects.id),
		kind: text("kind", { enum: ["write", "read", "admin"] }).notNull(),
		keyHash: text("key_hash").notNull().unique(),
		/** First characters of the token, so a person can tell keys apart without the secret. */
		keyPrefix: text("key_prefix").notNull(),
		name: text("name").notNull(),
		createdAt: integer("created_at").notNull(),
		revokedAt: integer("revoked_at"),
	},
	(t) => [index("api_keys_project_idx").on(t.projectId)],
);
