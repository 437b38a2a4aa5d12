/**
 * Distinct users over a window, two ways with the same answer.
 *
 * - From the day tables (user_days, user_signal_days, event_intents, intent_signal_days): one row per
 *   (key, user, day), so `count(DISTINCT user_id)` over a 30-day window reads every active day of
 *   every user, about 1M rows at 1M events.
 * - From the last-active tables (migration 0028, db/schema/last-active.ts): one row per (key, user)
 *   with the user's last active day. A user was active in [from, to] exactly when their last day is
 *   in it, provided nothing is stored after `to`. So this form answers windows that reach the
 *   project's latest day (the dashboard's default, "the last N days"), reading one row per user.
 *
 * `windowBatch` runs the last-active statements with a check of the project's latest day in one
 * batch, and falls back to the day tables when the window ends before it.
 */
export const LATEST_DAY_SQL = `SELECT max(coalesce((SELECT max(day) FROM user_days WHERE project_id = ?1), -1),
	coalesce((SELECT max(day) FROM user_signal_days WHERE project_id = ?1), -1)) AS day`;

export type WindowForm = "last_active" | "days";

/** The window's active users (the denominator of "% of users"), in both forms; binds project, from day, to day. */
export const ACTIVE_USERS_SQL: Record<WindowForm, string> = {
	days: "SELECT count(DISTINCT user_id) AS n FROM user_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3",
	last_active: "SELECT count(*) AS n FROM user_last_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3",
};

export interface WindowStatements {
	/** Statements that read the same either way: run once, their results first. */
	shared?: D1PreparedStatement[];
	lastActive: D1PreparedStatement[];
	/** Built only when the window ends before the project's latest day. */
	days: () => D1PreparedStatement[];
	/** Tests read both forms of the same window. */
	only?: WindowForm;
}

/** The window's active users as windowBatch's two forms, for a read that needs only them beside its own statements. */
export function activeUsersStatements(db: D1Database, projectId: string, fromDay: number, toDay: number): Pick<WindowStatements, "lastActive" | "days"> {
	const bound = (form: WindowForm) => [db.prepare(ACTIVE_USERS_SQL[form]).bind(projectId, fromDay, toDay)];
	return { lastActive: bound("last_active"), days: () => bound("days") };
}

export async function windowBatch(db: D1Database, projectId: string, toDay: number, q: WindowStatements): Promise<{ form: WindowForm; results: D1Result[] }> {
	const shared = q.shared ?? [];
	if (q.only === "days") return { form: "days", results: await db.batch([...shared, ...q.days()]) };
	if (q.only === "last_active") return { form: "last_active", results: await db.batch([...shared, ...q.lastActive]) };
	const [latest, ...results] = await db.batch([db.prepare(LATEST_DAY_SQL).bind(projectId), ...shared, ...q.lastActive]);
	const day = (latest!.results[0] as { day: number | null } | undefined)?.day ?? -1;
	if (day <= toDay) return { form: "last_active", results };
	return { form: "days", results: [...results.slice(0, shared.length), ...(await db.batch(q.days()))] };
}
