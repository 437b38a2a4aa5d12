import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const projects = sqliteTable("projects", {
	id: text("id").primaryKey(),
	name: text("name").notNull(),
	createdAt: integer("created_at").notNull(),
	/**
	 * Personal-data redaction at ingest, as JSON `{ mode, kinds }` (core/privacy/pii.ts); null is
	 * the default: every kind replaced by a placeholder before anything is queued or stored.
	 */
	privacy: text("privacy"),
	/** Random per project; keyed hashes of redacted values ("hash" mode) use it, so they cannot be joined across projects. */
	piiSalt: text("pii_salt"),
	/** Events (and all that derives from them) older than this many days are purged; null keeps them. */
	retentionDays: integer("retention_days"),
});

/**
 * Keys are stored as SHA-256 of the whole token: they are 160-bit random strings,
 * so a slow password hash adds nothing but latency on every ingest request.
 */
export const apiKeys = sqliteTable(
	"api_keys",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id")
			.notNull()
			.references(() => projects.id),
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
