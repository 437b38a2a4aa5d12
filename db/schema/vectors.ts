import { blob, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The index of issue and intent centres and teaching exemplars (production, dev and tests): float32 values as a
 * blob, searched by brute force per namespace. The index by namespace and model carries updated_at, so the
 * stamp each batch reads of a namespace (workers/shared/src/adapters/d1-vector-index.ts) reads the index alone,
 * not every centre's 2-3 KB row.
 */
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
	(t) => [index("vectors_namespace_model_updated_idx").on(t.namespace, t.model, t.updatedAt)],
);
