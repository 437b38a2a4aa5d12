import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ISSUE_STATES } from "#core/issues/lifecycle";

export { ISSUE_STATES };

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
	(t) => [
		index("issues_project_signal_idx").on(t.projectId, t.signal),
		index("issues_project_last_seen_idx").on(t.projectId, t.lastSeen),
		// One title per project: the list shows every signal's issues side by side. Naming picks a free one
		// (core/clustering/issue-names.ts); this refuses the second of two passes that named at once.
		uniqueIndex("issues_project_title_idx").on(t.projectId, t.title),
	],
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
		/**
		 * 1 once the event drew negative feedback: an explicit thumbs down, regenerate, edit or code
		 * error on it, or user frustration later in its conversation. Set by triggers (migration
		 * 0017) when the row is inserted and when such a signal or detection arrives later.
		 */
		negative: integer("negative").notNull().default(0),
	},
	(t) => [
		primaryKey({ columns: [t.projectId, t.signal, t.eventId] }),
		// An issue's events in time order (examples, the last 48 hours, the top intent's recent sample).
		// Counts per day and user are read from issue_days and issue_user_days, not from here.
		index("issue_events_issue_time_idx").on(t.issueId, t.timestamp),
	],
);

/**
 * An issue's counts per UTC day: events, distinct users and events with negative feedback. Kept
 * by SQLite triggers on issue_events (migration 0017), so every insert, move (merge, split, teach),
 * negative flag and deletion updates them in the same transaction, wherever the SQL is written.
 * The issue list and detail read these rows, not the events: O(issues x days). Retention's purge
 * leaves the counts (aggregates outlive raw events; they hold no user); a user's deletion takes
 * their events out. WITHOUT ROWID in the migration: one b-tree, one row written per change.
 */
export const issueDays = sqliteTable(
	"issue_days",
	{
		issueId: text("issue_id").notNull(),
		day: integer("day").notNull(),
		projectId: text("project_id").notNull(),
		events: integer("events").notNull().default(0),
		users: integer("users").notNull().default(0),
		negativeEvents: integer("negative_events").notNull().default(0),
	},
	(t) => [primaryKey({ columns: [t.issueId, t.day] })],
);

/**
 * Which users an issue reached on which day, with their event count: distinct users overall and in
 * a window are read here (one row per issue, user and day however many events). Kept by the same
 * triggers; holds user ids, so it goes with the user's events and with retention. WITHOUT ROWID.
 */
export const issueUserDays = sqliteTable(
	"issue_user_days",
	{
		issueId: text("issue_id").notNull(),
		userId: text("user_id").notNull(),
		day: integer("day").notNull(),
		events: integer("events").notNull().default(0),
	},
	(t) => [primaryKey({ columns: [t.issueId, t.userId, t.day] })],
);

/**
 * While a row is here (inside one D1 batch: retention inserts it first and deletes it last), deleting
 * issue_events leaves issue_days' counts as they were: expired events leave, their counts stay.
 */
export const aggregateHolds = sqliteTable("aggregate_holds", {
	id: integer("id").primaryKey(),
});

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
