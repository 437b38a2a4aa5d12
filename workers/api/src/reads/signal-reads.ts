import type { RateCell, SignalInfo, SignalRates } from "#core/api/signals";
import { EXPLICIT_SIGNALS } from "#core/ingest-schemas";
import { EXPLICIT_SIGNAL_POLARITY, IMPLICIT_SIGNALS, NEGATIVE_SIGNAL_NAMES } from "#core/detection/signal-catalog";
import { DAY_MS } from "#core/timestamps";
import { ACTIVE_USERS_SQL, type WindowForm, windowBatch } from "./window-users";

export const dayToIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Every signal the project can see: built-in implicit, explicit feedback (built-in and any seen), and custom. */
export async function signalCatalog(db: D1Database, projectId: string): Promise<SignalInfo[]> {
	const [custom, seen] = await Promise.all([
		db
			.prepare("SELECT name, polarity, description FROM custom_signals WHERE project_id = ? AND deleted_at IS NULL ORDER BY name")
			.bind(projectId)
			.all<{ name: string; polarity: "negative" | "positive"; description: string }>(),
		db.prepare("SELECT DISTINCT signal FROM signals WHERE project_id = ? LIMIT 200").bind(projectId).all<{ signal: string }>(),
	]);
	const explicit = [...new Set([...EXPLICIT_SIGNALS, ...seen.results.map((r) => r.signal)])];
	return [
		...IMPLICIT_SIGNALS.map((s) => ({ name: s.name, kind: "implicit" as const, polarity: s.polarity, description: s.description })),
		...explicit.map((name) => ({
			name,
			kind: "explicit" as const,
			polarity: EXPLICIT_SIGNAL_POLARITY[name] ?? ("neutral" as const),
			description: `Explicit feedback \`${name}\` from /v1/signals.`,
		})),
		...custom.results.map((c) => ({ name: c.name, kind: "custom" as const, polarity: c.polarity, description: c.description })),
	];
}

const pct = (users: number, active: number) => (active === 0 ? 0 : Math.round((users / active) * 10000) / 100);

/** The built-in negative signals (?4) and the project's negative custom signals. */
const ANY_NEGATIVE =
	"AND signal IN (SELECT value FROM json_each(?4) UNION SELECT name FROM custom_signals WHERE project_id = ?1 AND polarity = 'negative' AND deleted_at IS NULL)";

/**
 * Signal rates' statements (tests run EXPLAIN QUERY PLAN on them): users per day from
 * user_signal_days and user_days, events per day from event_days; none reads events. The window's
 * distinct users in both forms of window-users.ts: from those day tables, or from
 * signal_user_last_days and user_last_days for a window that reaches the project's latest day.
 * A filter placeholder comment takes the optional signal filter.
 */
export const SIGNAL_RATES_SQL = {
	perDay: "SELECT day, signal, count(*) AS users FROM user_signal_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 /*filter*/ GROUP BY day, signal",
	activePerDay: "SELECT day, count(*) AS users FROM user_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY day",
	/** Events per day, from the counts triggers keep on events (migration 0030). */
	volume: "SELECT day, events FROM event_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3",
	window: {
		days: {
			signals:
				"SELECT signal, count(DISTINCT user_id) AS users FROM user_signal_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 /*filter*/ GROUP BY signal",
			active: ACTIVE_USERS_SQL.days,
			/** Users with any negative signal, each counted once: built-in negatives (?4) and the project's negative custom signals. */
			anyNegative: `SELECT count(DISTINCT user_id) AS users FROM user_signal_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 ${ANY_NEGATIVE}`,
		},
		last_active: {
			signals: "SELECT signal, count(*) AS users FROM signal_user_last_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 /*filter*/ GROUP BY signal",
			active: ACTIVE_USERS_SQL.last_active,
			anyNegative: `SELECT count(DISTINCT user_id) AS users FROM signal_user_last_days WHERE project_id = ?1 AND day BETWEEN ?2 AND ?3 ${ANY_NEGATIVE}`,
		},
	},
};

/**
 * Signal rates as exact distinct-user counts: per UTC day, and for the whole window
 * (a user counted once however many days they had the signal).
 */
export async function signalRates(db: D1Database, projectId: string, fromDay: number, toDay: number, only: string[], form?: WindowForm): Promise<SignalRates> {
	// The signal filter and the built-in negatives are each the fourth parameter of the statements that read them.
	const window = (sql: string) => db.prepare(sql).bind(projectId, fromDay, toDay);
	const filtered = (sql: string) =>
		only.length
			? db.prepare(sql.replace("/*filter*/", "AND signal IN (SELECT value FROM json_each(?4))")).bind(projectId, fromDay, toDay, JSON.stringify(only))
			: window(sql.replace("/*filter*/", ""));
	const negatives = (sql: string) => db.prepare(sql).bind(projectId, fromDay, toDay, JSON.stringify(NEGATIVE_SIGNAL_NAMES));
	const q = SIGNAL_RATES_SQL;
	const statements = (w: typeof q.window.days) => [filtered(w.signals), window(w.active), negatives(w.anyNegative)];
	const {
		results: [perDay, active, volume, windowSignals, windowActive, anyNegative],
	} = await windowBatch(db, projectId, toDay, {
		shared: [filtered(q.perDay), window(q.activePerDay), window(q.volume)],
		lastActive: statements(q.window.last_active),
		days: () => statements(q.window.days),
		only: form,
	});
	const eventsByDay = new Map((volume!.results as { day: number; events: number }[]).map((r) => [r.day, r.events]));
	const activeByDay = new Map((active!.results as { day: number; users: number }[]).map((r) => [r.day, r.users]));
	const days = new Map<number, Record<string, RateCell>>();
	for (let d = fromDay; d <= toDay; d++) days.set(d, {});
	for (const r of perDay!.results as { day: number; signal: string; users: number }[])
		days.get(r.day)![r.signal] = { users: r.users, pct: pct(r.users, activeByDay.get(r.day) ?? 0) };
	const totalActive = (windowActive!.results[0] as { n: number } | undefined)?.n ?? 0;
	const negativeUsers = (anyNegative!.results[0] as { users: number } | undefined)?.users ?? 0;
	return {
		from: dayToIso(fromDay),
		to: dayToIso(toDay),
		window: {
			active_users: totalActive,
			any_negative: { users: negativeUsers, pct: pct(negativeUsers, totalActive) },
			signals: Object.fromEntries(
				(windowSignals!.results as { signal: string; users: number }[]).map((r) => [r.signal, { users: r.users, pct: pct(r.users, totalActive) }]),
			),
		},
		days: [...days].map(([day, signals]) => ({ day: dayToIso(day), active_users: activeByDay.get(day) ?? 0, events: eventsByDay.get(day) ?? 0, signals })),
	};
}
