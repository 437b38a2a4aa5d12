import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const ISSUE_STATES = ["new", "ongoing", "escalating", "regressed", "resolved", "ignored"] as const;

/** A specific, named problem: flagged events of one signal that are about the same thing. */
export const issues = sqliteTable(
	"issues",
	{
		id: text("id").primaryKey(),
		projectId: text("project_id").notNull(),
		signal: text("signal").notNull(),
		title: text("title").notNull(),
		description: text("description").notNull(),
		state: text("state", { enum: ISSUE_STATES }).notNull().default("new"),
		/** The embedding model of the issue's centre in the vector index. */
		model: text("model").notNull(),
		centralEventId: text("central_event_id"),
		firstSeen: integer("first_seen").notNull(),
		lastSeen: integer("last_seen").notNull(),
		createdAt: integer("created_at").notNull(),
		resolvedAt: integer("resolved_at"),
		/** Resolved in this release: events from it or a later one regress the issue, older releases' do not. */
		resolvedInRelease: text("resolved_in_release"),
		/** Priority factors a person sets (default 1): how much of it can be fixed, how much it matters. */
		/** A person asked to split it; the maintenance pass does it and clears this. */
		splitRequestedAt: integer("split_requested_at"),
		/** Ignored until this many distinct users in total (null: forever, or not ignored). */
		ignoreUntilUsers: integer("ignore_until_users"),
		/** When Workers AI last wrote the title and description (production, optional); null: offline naming. */
		summarizedAt: integer("summarized_at"),
		achievableDelta: real("achievable_delta").notNull().default(1),
		strategicRelevance: real("strategic_relevance").notNull().default(1),
	},
	(t) => [index("issues_project_signal_idx").on(t.projectId, t.signal), index("issues_project_last_seen_idx").on(t.projectId, t.lastSeen)],
);

/** Which events belong to which issue: one issue per event and signal. Counts are read from here. */
export const issueEvents = sqliteTable(
	"issue_events",
	{
		projectId: text("project_id").notNull(),
		signal: text("signal").notNull(),
		eventId: text("event_id").notNull(),
		issueId: text("issue_id").notNull(),
		userId: text("user_id").notNull(),
		timestamp: integer("timestamp").notNull(),
		day: integer("day").notNull(),
		similarity: real("similarity"),
	},
	(t) => [
		primaryKey({ columns: [t.projectId, t.signal, t.eventId] }),
		index("issue_events_issue_time_idx").on(t.issueId, t.timestamp),
		// Covering: an issue's events and distinct users, overall, per day or in a window, read from the index alone.
		index("issue_events_issue_day_user_idx").on(t.issueId, t.day, t.userId),
		// The issue list's per-day series and top intents read only the window's rows of the project.
		index("issue_events_project_day_idx").on(t.projectId, t.day, t.issueId, t.userId),
	],
);

/** Flagged events not close to any issue yet; promoted to issues once enough of them cluster together. */
export const issueCandidates = sqliteTable(
	"issue_candidates",
	{
		projectId: text("project_id").notNull(),
		signal: text("signal").notNull(),
		eventId: text("event_id").notNull(),
		text: text("text").notNull(),
		userId: text("user_id").notNull(),
		timestamp: integer("timestamp").notNull(),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.signal, t.eventId] }), index("issue_candidates_time_idx").on(t.projectId, t.signal, t.timestamp)],
);

/** Every state change, with when and by whom ("system" for automatic ones). */
export const issueStateChanges = sqliteTable(
	"issue_state_changes",
	{
		id: text("id").primaryKey(),
		issueId: text("issue_id").notNull(),
		from: text("from_state"),
		to: text("to_state").notNull(),
		by: text("changed_by").notNull(),
		reason: text("reason"),
		at: integer("at").notNull(),
	},
	(t) => [index("issue_state_changes_issue_idx").on(t.issueId, t.at)],
);
