import type { ConversationIntentList, IntentList, MatrixRow } from "#core/api/intents";
import { NEGATIVE_SIGNAL_NAMES } from "#core/detection/signal-catalog";
import { ACTIVE_USERS_SQL, type WindowForm, windowBatch } from "./window-users";
const pct = (users: number, active: number) => (active === 0 ? 0 : Math.round((users / active) * 10000) / 100);

const INTENT_LIST_SELECT = (users: string) => `SELECT i.id, i.name, i.description, i.named_by, i.parent_id, i.created_at,
	(SELECT count(*) FROM event_intents e WHERE e.intent_id = i.id AND e.day BETWEEN ?2 AND ?3) AS events, ${users} AS users
	FROM intents i WHERE i.project_id = ?1 ORDER BY users DESC, events DESC`;

/** The intent list's statements in both forms of window-users.ts (tests run EXPLAIN QUERY PLAN on them). */
export const INTENT_LIST_SQL = {
	days: {
		rows: INTENT_LIST_SELECT("(SELECT count(DISTINCT user_id) FROM event_intents e WHERE e.intent_id = i.id AND e.day BETWEEN ?2 AND ?3)"),
		active: ACTIVE_USERS_SQL.days,
	},
	last_active: {
		rows: INTENT_LIST_SELECT("(SELECT count(*) FROM intent_user_last_days l WHERE l.project_id = ?1 AND l.intent_id = i.id AND l.day BETWEEN ?2 AND ?3)"),
		active: ACTIVE_USERS_SQL.last_active,
	},
};

/** Intents with events, distinct users and their share of active users in the window. */
export async function listIntents(db: D1Database, projectId: string, fromDay: number, toDay: number, only?: WindowForm): Promise<IntentList> {
	const statements = (q: typeof INTENT_LIST_SQL.days) => [q.rows, q.active].map((sql) => db.prepare(sql).bind(projectId, fromDay, toDay));
	const {
		results: [rows, active],
	} = await windowBatch(db, projectId, toDay, { lastActive: statements(INTENT_LIST_SQL.last_active), days: () => statements(INTENT_LIST_SQL.days), only });
	const activeUsers = (active!.results[0] as { n: number } | undefined)?.n ?? 0;
	return {
		active_users: activeUsers,
		data: (
			rows!.results as {
				id: string;
				name: string;
				description: string;
				named_by: string | null;
				parent_id: string | null;
				created_at: number;
				events: number;
				users: number;
			}[]
		).map((r) => ({
			id: r.id,
			name: r.name,
			description: r.description,
			parent_id: r.parent_id,
			renamed: r.named_by !== null,
			events: r.events,
			users: r.users,
			pct_users: pct(r.users, activeUsers),
			created_at: new Date(r.created_at).toISOString(),
		})),
	};
}

/**
 * The intent matrix's statements in both forms of window-users.ts (tests run EXPLAIN QUERY PLAN on
 * them). Days: the intents' users from the covering (intent, day, user) index of event_intents; the
 * signal cells and each intent's users with a negative signal from intent_signal_days (one row per
 * day, intent, signal and user, kept by triggers: migration 0019). Last active: the same from
 * intent_user_last_days and intent_signal_user_last_days, one row per (intent, signal, user).
 */
export const INTENT_MATRIX_SQL = {
	days: {
		intentUsers:
			"SELECT i.id, i.name, i.achievable_delta, i.strategic_relevance, count(DISTINCT e.user_id) AS users FROM intents i LEFT JOIN event_intents e ON e.intent_id = i.id AND e.day BETWEEN ?2 AND ?3 WHERE i.project_id = ?1 GROUP BY i.id",
		cells:
			"SELECT intent_id, signal, count(DISTINCT user_id) AS users FROM intent_signal_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY intent_id, signal",
		// Users of the intent with any negative signal, implicit or explicit: the volume in its priority.
		negativeUsers: `SELECT intent_id, count(DISTINCT user_id) AS users FROM intent_signal_days
				 WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 AND signal IN (SELECT value FROM json_each(?4)) GROUP BY intent_id`,
	},
	last_active: {
		intentUsers: `SELECT i.id, i.name, i.achievable_delta, i.strategic_relevance,
				(SELECT count(*) FROM intent_user_last_days l WHERE l.project_id = ?1 AND l.intent_id = i.id AND l.day BETWEEN ?2 AND ?3) AS users
			FROM intents i WHERE i.project_id = ?1`,
		cells:
			"SELECT intent_id, signal, count(*) AS users FROM intent_signal_user_last_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY intent_id, signal",
		negativeUsers: `SELECT intent_id, count(DISTINCT user_id) AS users FROM intent_signal_user_last_days
				 WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 AND signal IN (SELECT value FROM json_each(?4)) GROUP BY intent_id`,
	},
};

/**
 * The intent × signal matrix: for each intent, how many of its users had each signal on an
 * event of that intent (implicit detections and explicit feedback alike), as counts and shares.
 */
export async function intentSignalMatrix(db: D1Database, projectId: string, fromDay: number, toDay: number, only?: WindowForm): Promise<MatrixRow[]> {
	const negative = JSON.stringify(NEGATIVE_SIGNAL_NAMES);
	const statements = (q: typeof INTENT_MATRIX_SQL.days) => [
		db.prepare(q.intentUsers).bind(projectId, fromDay, toDay),
		db.prepare(q.cells).bind(projectId, fromDay, toDay),
		db.prepare(q.negativeUsers).bind(projectId, fromDay, toDay, negative),
	];
	const {
		results: [intentUsers, signalCells, negativeUsers],
	} = await windowBatch(db, projectId, toDay, { lastActive: statements(INTENT_MATRIX_SQL.last_active), days: () => statements(INTENT_MATRIX_SQL.days), only });
	const negativeByIntent = new Map((negativeUsers!.results as { intent_id: string; users: number }[]).map((r) => [r.intent_id, r.users]));
	const cells = new Map<string, Record<string, number>>();
	for (const r of signalCells!.results as { intent_id: string; signal: string; users: number }[]) {
		const row = cells.get(r.intent_id) ?? {};
		row[r.signal] = r.users;
		cells.set(r.intent_id, row);
	}
	type IntentRow = { id: string; name: string; users: number; achievable_delta: number; strategic_relevance: number };
	return (intentUsers!.results as IntentRow[]).map((i) => ({
		intent_id: i.id,
		name: i.name,
		users: i.users,
		negative_users: negativeByIntent.get(i.id) ?? 0,
		/** Users who hit a negative signal × achievable delta × strategic relevance, as for issues. */
		priority: Math.round((negativeByIntent.get(i.id) ?? 0) * i.achievable_delta * i.strategic_relevance * 100) / 100,
		achievable_delta: i.achievable_delta,
		strategic_relevance: i.strategic_relevance,
		signals: Object.fromEntries(Object.entries(cells.get(i.id) ?? {}).map(([signal, users]) => [signal, { users, pct: pct(users, i.users) }])),
	}));
}

/** The window's events (events_project_time_idx), each one's intent by primary key, the first per conversation kept. */
export const CONVERSATION_INTENTS_SQL = `WITH firsts AS (
		SELECT e.convo_id, ei.intent_id, e.user_id, row_number() OVER (PARTITION BY e.convo_id ORDER BY e.timestamp, e.event_id) AS rn
		FROM events e JOIN event_intents ei ON ei.project_id = e.project_id AND ei.event_id = e.event_id
		WHERE e.project_id = ?1 AND e.timestamp >= ?2 * 86400000 AND e.timestamp < (?3 + 1) * 86400000 AND e.convo_id IS NOT NULL)
	 SELECT i.id, i.name, count(*) AS conversations, count(DISTINCT f.user_id) AS users
	 FROM firsts f JOIN intents i ON i.id = f.intent_id WHERE f.rn = 1 GROUP BY i.id ORDER BY conversations DESC`;

/**
 * Conversation-level intents: a conversation is about what its opening request asked for, so
 * each conversation counts under the intent of its earliest event that has one.
 */
export async function listConversationIntents(db: D1Database, projectId: string, fromDay: number, toDay: number): Promise<ConversationIntentList> {
	const { results } = await db
		.prepare(CONVERSATION_INTENTS_SQL)
		.bind(projectId, fromDay, toDay)
		.all<{ id: string; name: string; conversations: number; users: number }>();
	const total = results.reduce((n, r) => n + r.conversations, 0);
	return { level: "conversation", conversations: total, data: results.map((r) => ({ ...r, pct_conversations: pct(r.conversations, total) })) };
}
