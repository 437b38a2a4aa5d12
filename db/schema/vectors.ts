import { blob, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The embedded vector index (dev and tests): float32 values as a blob, searched by brute force per namespace. */
export const vectors = sqliteTable(
	"vectors",
	{
		id: text("id").primaryKey(),
		namespace: text("namespace").notNull(),
		model: text("model").notNull(),
		dims: integer("dims").notNull(),
		values: blob("values").notNull(),
		metadata: text("metadata").notNull().default("{}"),
		updatedAt: integer("updated_at").notNull(),
	},
	(t) => [index("vectors_namespace_model_idx").on(t.namespace, t.model)],
);
