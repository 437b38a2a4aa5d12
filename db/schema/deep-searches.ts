import { blob, index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Deep searches: a definition in words, the candidate pool it drew, the labels people gave, and
 * every version of its model. Saved, one becomes a custom signal of kind `deep_search` whose
 * detect-time model is the `saved_version` row of deep_search_versions.
 */
export const deepSearches = sqliteTable(
	"deep_searches",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id").notNull(),
		definition: text("definition").notNull(),
		/** The sentence vector of the definition (float32), the model's prior. */
		definitionVector: blob("definition_vector").notNull(),
		embedder: text("embedder").notNull(),
		/** The current version (deep_search_versions); bumped by compare-and-set, so two refits never overwrite each other. */
		version: integer("version").notNull(),
		/** The version the detect worker applies, once saved. */
		savedVersion: integer("saved_version"),
		signalName: text("signal_name"),
		polarity: text("polarity", { enum: ["negative", "positive"] }),
		jobId: text("job_id"),
		note: text("note"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
		deletedAt: integer("deleted_at"),
	},
	(t) => [index("deep_searches_project_idx").on(t.projectId, t.createdAt)],
);

/** The events a deep search considers: drawn by meaning and by words at creation, plus any labelled. */
export const deepSearchCandidates = sqliteTable(
	"deep_search_candidates",
	{
		searchId: text("search_id").notNull(),
		eventId: text("event_id").notNull(),
		source: text("source", { enum: ["meaning", "text", "both", "label"] }).notNull(),
		addedAt: integer("added_at").notNull(),
		/** The LLM match check's verdict (production, Workers AI), kept so a candidate is checked once. */
		checkedMatch: integer("checked_match", { mode: "boolean" }),
		checkedReason: text("checked_reason"),
	},
	(t) => [primaryKey({ columns: [t.searchId, t.eventId] })],
);

/** Every label anyone gave, appended, never overwritten: an event's label is its latest row. */
export const deepSearchLabels = sqliteTable(
	"deep_search_labels",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		searchId: text("search_id").notNull(),
		eventId: text("event_id").notNull(),
		match: integer("match", { mode: "boolean" }).notNull(),
		labelledBy: text("labelled_by").notNull(),
		labelledAt: integer("labelled_at").notNull(),
	},
	(t) => [index("deep_search_labels_search_idx").on(t.searchId, t.eventId, t.id)],
);

/** Each refit, operating point and save: the model as it was, its threshold and calibration. */
export const deepSearchVersions = sqliteTable(
	"deep_search_versions",
	{
		searchId: text("search_id").notNull(),
		version: integer("version").notNull(),
		kind: text("kind", { enum: ["refit", "operating_point", "saved"] }).notNull(),
		/** DeepSearchModel as JSON. */
		model: text("model").notNull(),
		threshold: real("threshold").notNull(),
		/** Calibration as JSON. */
		calibration: text("calibration").notNull(),
		/** ClarifyingQuestion as JSON, when the labels contradicted the definition. */
		question: text("question"),
		labels: integer("labels").notNull(),
		by: text("by").notNull(),
		at: integer("at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.searchId, t.version] })],
);
