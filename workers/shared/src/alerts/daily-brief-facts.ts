import type { AlertMessage } from "#core/alerts/alert-message";
import type { AlertFilters } from "#core/alerts/alert-rule-input";
import { type BriefIssueFacts, type BriefSignalFacts, buildDailyBrief, type DailyBriefFacts } from "#core/alerts/daily-brief";
import { POSITIVE_SIGNAL_NAMES } from "#core/detection/signal-catalog";
import { DAY_MS } from "#core/timestamps";
import { issueFilterSql } from "./alert-filter-sql";

/** A brief reads at most this many issues (the most recently seen): enough for its few lines and their counts. */
const BRIEF_ISSUES = 500;

/**
 * The facts of one brief from D1: distinct users per issue and per positive signal in the window
 * (the 24 h before `to`) and the 24 h before that, exact to the millisecond like the escalating
 * alert's trend (issue_events by issue and time), and the window's active users from events.
 * The rule's filters narrow which issues are listed, not the active users or the wins.
 */
export async function readDailyBriefFacts(
	db: D1Database,
	projectId: string,
	to: number,
	filters: AlertFilters,
): Promise<Pick<DailyBriefFacts, "active_users" | "active_users_prev" | "issues" | "positive_signals">> {
	const from = to - DAY_MS;
	const prevFrom = from - DAY_MS;
	const binds: unknown[] = [projectId, from, to, prevFrom, BRIEF_ISSUES];
	const filter = issueFilterSql(filters, binds);
	const [issues, active, positive] = await db.batch([
		db
			.prepare(
				`SELECT i.id, i.title, i.signal, i.state, i.created_at,
					(SELECT count(DISTINCT user_id) FROM issue_events x WHERE x.issue_id = i.id AND x.timestamp > ?2 AND x.timestamp <= ?3) AS users,
					(SELECT count(DISTINCT user_id) FROM issue_events x WHERE x.issue_id = i.id AND x.timestamp > ?4 AND x.timestamp <= ?2) AS users_prev,
					EXISTS (SELECT 1 FROM issue_state_changes c WHERE c.issue_id = i.id AND c.to_state = 'regressed' AND c.at > ?2 AND c.at <= ?3) AS regressed,
					(i.state = 'resolved' AND i.resolved_at > ?2 AND i.resolved_at <= ?3) AS resolved
				 FROM issues i
				 WHERE i.project_id = ?1 AND i.state != 'ignored' AND (i.last_seen > ?4 OR i.state = 'escalating' OR (i.state = 'resolved' AND i.resolved_at > ?2)) AND ${filter}
				 ORDER BY i.last_seen DESC LIMIT ?5`,
			)
			.bind(...binds),
		db
			.prepare(
				`SELECT count(DISTINCT CASE WHEN timestamp > ?2 THEN user_id END) AS users, count(DISTINCT CASE WHEN timestamp <= ?2 THEN user_id END) AS users_prev
				 FROM events WHERE project_id = ?1 AND timestamp > ?3 AND timestamp <= ?4`,
			)
			.bind(projectId, from, prevFrom, to),
		// Wins: the built-in positive signals (win, thumbs up, copy, share) and the project's positive custom signals.
		db
			.prepare(
				`WITH names(name) AS (SELECT value FROM json_each(?5) UNION SELECT name FROM custom_signals WHERE project_id = ?1 AND polarity = 'positive' AND deleted_at IS NULL)
				 SELECT signal, count(DISTINCT CASE WHEN timestamp > ?2 THEN user_id END) AS users, count(DISTINCT CASE WHEN timestamp <= ?2 THEN user_id END) AS users_prev
				 FROM (
					SELECT signal, user_id, timestamp FROM detections WHERE project_id = ?1 AND signal IN (SELECT name FROM names) AND timestamp > ?3 AND timestamp <= ?4
					UNION ALL
					SELECT signal, user_id, timestamp FROM signals WHERE project_id = ?1 AND signal IN (SELECT name FROM names) AND timestamp > ?3 AND timestamp <= ?4 AND user_id IS NOT NULL
				 ) GROUP BY signal`,
			)
			.bind(projectId, from, prevFrom, to, JSON.stringify(POSITIVE_SIGNAL_NAMES)),
	]);
	const users = active!.results[0] as { users: number; users_prev: number };
	return {
		active_users: users.users,
		active_users_prev: users.users_prev,
		issues: (issues!.results as Array<Omit<BriefIssueFacts, "regressed" | "resolved"> & { regressed: number; resolved: number | null }>).map((r) => ({
			...r,
			regressed: r.regressed === 1,
			resolved: r.resolved === 1,
		})),
		positive_signals: positive!.results as unknown as BriefSignalFacts[],
	};
}

/** The brief of a rule for the 24 h before `to`: what the cron sends at the rule's hour, and "send test" previews. */
export async function dailyBriefMessage(
	db: D1Database,
	rule: { id: string; name: string; project_id: string; filters: AlertFilters },
	dashboard: string,
	to: number,
): Promise<AlertMessage> {
	const facts = await readDailyBriefFacts(db, rule.project_id, to, rule.filters);
	return buildDailyBrief({ ...facts, project_id: rule.project_id, rule: { id: rule.id, name: rule.name }, dashboard, to });
}
