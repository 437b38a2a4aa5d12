import type { AlertMessage } from "#core/alerts/alert-message";
import { DEFAULT_BRIEF_HOUR_UTC, DEFAULT_ESCALATION_MIN_USERS, type AlertFilters, type ThresholdParams } from "#core/alerts/alert-rule-input";
import { briefDate, briefDueAt } from "#core/alerts/daily-brief";
import { NEGATIVE_SIGNAL_NAMES as NEGATIVE_SIGNALS } from "#core/detection/signal-catalog";
import { newId } from "#core/ids";
import { dashboardUrl, sendDueDeliveries, senderFor, type AlertEnv, type WebhookSender } from "#shared/alerts/alert-delivery";
import { DAY_MS } from "#core/timestamps";
import type { RuleRow } from "#shared/stores/alert-rule-store";
import { eventFilterSql, issueFilterSql } from "#shared/alerts/alert-filter-sql";
import { dailyBriefMessage } from "#shared/alerts/daily-brief-facts";

/** Events can become visible a while after they arrived (queue retries): every-match rules look back this far, deduped. */
const LATE_ARRIVAL_MS = 15 * 60_000;
/** Every-match rules raise at most this many per run; the rest wait for the next run (the cursor stays). */
const MATCHES_PER_RUN = 50;
const RULES_PER_RUN = 500;

interface Raised {
	dedupeKey: string;
	subject: string;
	message: AlertMessage;
}

interface Rule extends RuleRow {
	f: AlertFilters;
	p: { min_users?: number; threshold?: ThresholdParams; brief_hour_utc?: number };
}

/**
 * The cron's alert pass: each rule looks only at what changed since its cursor, raises deliveries
 * keyed by the fact that raised them (so a second run inserts nothing), then due deliveries go out.
 */
export async function evaluateAlerts(env: AlertEnv, now: number, sender: WebhookSender = senderFor(env)) {
	const { results } = await env.DB.prepare("SELECT * FROM alert_rules WHERE deleted_at IS NULL AND cursor_at < ? ORDER BY cursor_at LIMIT ?")
		.bind(now, RULES_PER_RUN)
		.all<RuleRow>();
	let raised = 0;
	for (const row of results) {
		const rule: Rule = { ...row, f: JSON.parse(row.filters), p: JSON.parse(row.params) };
		let cursor = now;
		// Disabled or snoozed: what happens meanwhile is skipped, not delivered when the snooze ends.
		if (rule.enabled && !(rule.snoozed_until && rule.snoozed_until > now)) {
			const { alerts, complete } = await raise(env, rule, now);
			raised += await record(env.DB, rule, alerts, now);
			if (!complete) cursor = rule.cursor_at;
		}
		await env.DB.prepare("UPDATE alert_rules SET cursor_at = ? WHERE id = ? AND cursor_at < ?").bind(cursor, rule.id, cursor).run();
	}
	const sent = await sendDueDeliveries(env, sender, now);
	return { rules: results.length, raised, sent };
}

/**
 * One INSERT per alert: OR IGNORE on (rule, dedupe key) makes re-runs no-ops, and the throttle
 * (a delivery for the same subject within the rule's throttle) is decided in the same statement.
 */
async function record(db: D1Database, rule: Rule, alerts: Raised[], now: number): Promise<number> {
	if (alerts.length === 0) return 0;
	const since = now - rule.throttle_seconds * 1000;
	const results = await db.batch(
		alerts.map((a) =>
			db
				.prepare(
					`INSERT OR IGNORE INTO alert_deliveries (id, rule_id, project_id, dedupe_key, subject, message, status, created_at, next_attempt_at)
					 SELECT ?1, ?2, ?3, ?4, ?5, ?6,
						CASE WHEN ?8 > 0 AND EXISTS (SELECT 1 FROM alert_deliveries WHERE rule_id = ?2 AND subject = ?5 AND status NOT IN ('throttled') AND created_at > ?9) THEN 'throttled' ELSE 'pending' END,
						?7, ?7`,
				)
				.bind(newId("alr"), rule.id, rule.project_id, a.dedupeKey, a.subject, JSON.stringify(a.message), now, rule.throttle_seconds, since),
		),
	);
	return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

async function raise(env: AlertEnv, rule: Rule, now: number): Promise<{ alerts: Raised[]; complete: boolean }> {
	switch (rule.kind) {
		case "new_issue":
			return { alerts: await issueAlerts(env, rule, now, "i.created_at > ?2 AND i.created_at <= ?3", (id) => `issue:${id}:new`), complete: true };
		case "regressed":
			return { alerts: await stateChangeAlerts(env, rule, now), complete: true };
		case "escalating":
			return { alerts: await escalatingAlerts(env, rule, now), complete: true };
		case "threshold":
			return { alerts: await thresholdAlerts(env, rule, now), complete: true };
		case "every_match":
			return everyMatchAlerts(env, rule, now);
		case "daily_brief":
			return { alerts: await dailyBriefAlerts(env, rule, now), complete: true };
	}
}

async function issueAlerts(env: AlertEnv, rule: Rule, now: number, when: string, key: (id: string) => string): Promise<Raised[]> {
	const binds: unknown[] = [rule.project_id, rule.cursor_at, now];
	const { results } = await env.DB.prepare(`SELECT i.id FROM issues i WHERE i.project_id = ?1 AND ${when} AND ${issueFilterSql(rule.f, binds)} LIMIT 100`)
		.bind(...binds)
		.all<{ id: string }>();
	return Promise.all(results.map(async (r) => ({ dedupeKey: key(r.id), subject: `issue:${r.id}`, message: await issueMessage(env, rule, r.id, now) })));
}

async function stateChangeAlerts(env: AlertEnv, rule: Rule, now: number): Promise<Raised[]> {
	const binds: unknown[] = [rule.project_id, rule.cursor_at, now];
	const { results } = await env.DB.prepare(
		`SELECT c.id AS change_id, i.id FROM issue_state_changes c JOIN issues i ON i.id = c.issue_id
		 WHERE i.project_id = ?1 AND c.to_state = 'regressed' AND c.at > ?2 AND c.at <= ?3 AND ${issueFilterSql(rule.f, binds)} LIMIT 100`,
	)
		.bind(...binds)
		.all<{ change_id: string; id: string }>();
	return Promise.all(
		results.map(async (r) => ({ dedupeKey: `change:${r.change_id}`, subject: `issue:${r.id}`, message: await issueMessage(env, rule, r.id, now) })),
	);
}

/**
 * Issues the maintenance pass marked escalating (users in 24 h against their own 7-day baseline)
 * that also reach the rule's minimum of users. Keyed by the state change, so one escalation
 * alerts once even if it only reaches the minimum later.
 */
async function escalatingAlerts(env: AlertEnv, rule: Rule, now: number): Promise<Raised[]> {
	const binds: unknown[] = [rule.project_id, now - DAY_MS, now, rule.p.min_users ?? DEFAULT_ESCALATION_MIN_USERS];
	const { results } = await env.DB.prepare(
		`SELECT i.id, (SELECT c.id FROM issue_state_changes c WHERE c.issue_id = i.id AND c.to_state = 'escalating' ORDER BY c.at DESC LIMIT 1) AS change_id
		 FROM issues i WHERE i.project_id = ?1 AND i.state = 'escalating'
			AND (SELECT count(DISTINCT user_id) FROM issue_events x WHERE x.issue_id = i.id AND x.timestamp > ?2 AND x.timestamp <= ?3) >= ?4
			AND ${issueFilterSql(rule.f, binds)} LIMIT 100`,
	)
		.bind(...binds)
		.all<{ id: string; change_id: string | null }>();
	return Promise.all(
		results.map(async (r) => ({ dedupeKey: `escalating:${r.change_id ?? r.id}`, subject: `issue:${r.id}`, message: await issueMessage(env, rule, r.id, now) })),
	);
}

/**
 * Threshold rules fire on the rising edge: the `firing` flag flips in a conditional UPDATE, so two
 * concurrent runs cannot both fire, and the rule fires again only after the condition cleared.
 */
async function thresholdAlerts(env: AlertEnv, rule: Rule, now: number): Promise<Raised[]> {
	const t = rule.p.threshold!;
	const from = now - t.window_minutes * 60_000;
	const eventBinds: unknown[] = [rule.project_id, from, now];
	const filter = eventFilterSql(rule.f, eventBinds);
	const affectedSql =
		"signal" in t.subject
			? `SELECT count(DISTINCT user_id) AS n FROM (
					SELECT d.user_id FROM detections d JOIN events e ON e.project_id = d.project_id AND e.event_id = d.event_id
					WHERE d.project_id = ?1 AND d.signal = ?${eventBinds.push(t.subject.signal)} AND d.timestamp > ?2 AND d.timestamp <= ?3 AND ${filter}
					UNION SELECT s.user_id FROM signals s JOIN events e ON e.project_id = s.project_id AND e.event_id = s.event_id
					WHERE s.project_id = ?1 AND s.signal = ?${eventBinds.length} AND s.timestamp > ?2 AND s.timestamp <= ?3 AND s.user_id IS NOT NULL AND ${filter})`
			: `SELECT count(DISTINCT x.user_id) AS n FROM issue_events x JOIN events e ON e.project_id = x.project_id AND e.event_id = x.event_id
				WHERE x.project_id = ?1 AND x.issue_id = ?${eventBinds.push(t.subject.issue_id)} AND x.timestamp > ?2 AND x.timestamp <= ?3 AND ${filter}`;
	const [affected, active] = await env.DB.batch([
		env.DB.prepare(affectedSql).bind(...eventBinds),
		env.DB.prepare(`SELECT count(DISTINCT e.user_id) AS n FROM events e WHERE e.project_id = ?1 AND e.timestamp > ?2 AND e.timestamp <= ?3 AND ${filter}`).bind(
			...eventBinds.slice(0, eventBinds.length - 1),
		),
	]);
	const users = (affected!.results[0] as { n: number }).n;
	const activeUsers = (active!.results[0] as { n: number }).n;
	const observed = t.metric === "users" ? users : activeUsers ? (100 * users) / activeUsers : 0;
	const met = observed >= t.value && users > 0;
	const flip = await env.DB.prepare("UPDATE alert_rules SET firing = ? WHERE id = ? AND firing = ?")
		.bind(met ? 1 : 0, rule.id, met ? 0 : 1)
		.run();
	if (!met || flip.meta.changes === 0) return [];
	const subjectName = "signal" in t.subject ? t.subject.signal : t.subject.issue_id;
	const subjectLabel = "signal" in t.subject ? `\`${t.subject.signal}\`` : await issueTitle(env, t.subject.issue_id);
	const shown = t.metric === "users" ? `${users} users` : `${observed.toFixed(1)}% of users (${users} of ${activeUsers})`;
	const message: AlertMessage = {
		...base(env, rule, now),
		...("signal" in t.subject
			? { signal: t.subject.signal, link: `${dashboardUrl(env)}/issues?signal=${encodeURIComponent(t.subject.signal)}` }
			: { link: `${dashboardUrl(env)}/issues/${t.subject.issue_id}` }),
		title: `Threshold crossed: ${subjectLabel}`,
		summary: `${subjectLabel} affected ${shown} in the last ${t.window_minutes} minutes (threshold ${t.metric === "users" ? `${t.value} users` : `${t.value}%`}).`,
		threshold: {
			metric: t.metric,
			value: t.value,
			observed: Math.round(observed * 10) / 10,
			users,
			active_users: activeUsers,
			window_minutes: t.window_minutes,
		},
	};
	return [{ dedupeKey: `threshold:${now}`, subject: `${"signal" in t.subject ? "signal" : "issue"}:${subjectName}`, message }];
}

/**
 * The day's brief, once its hour has come: the first run at or after the hour that has not yet
 * looked past it (the cursor) raises it, keyed by the date, so another run or a concurrent cron
 * inserts nothing. A brief whose hour passed while the rule was snoozed, disabled or not yet
 * created is skipped (the cursor moved past it), like any alert in that time. Its window ends at
 * the hour, not at the run, so a late run sends the same brief.
 */
async function dailyBriefAlerts(env: AlertEnv, rule: Rule, now: number): Promise<Raised[]> {
	const due = briefDueAt(now, rule.p.brief_hour_utc ?? DEFAULT_BRIEF_HOUR_UTC);
	if (now < due || rule.cursor_at >= due) return [];
	const message = await dailyBriefMessage(env.DB, { ...rule, filters: rule.f }, dashboardUrl(env), due);
	return [{ dedupeKey: `brief:${briefDate(due)}`, subject: "brief", message }];
}

/**
 * What every-match rules read: negative detections by their time of arrival (detections' (project, received_at)
 * index, migration 0036) and explicit feedback by its own, each joined to its event; `filter` is eventFilterSql's.
 * Binds: project, from, to, signals (JSON), rule id, limit.
 */
export const everyMatchSql = (filter: string) =>
	`SELECT * FROM (
			SELECT e.event_id, e.user_id, e.input, e.output, d.received_at, d.signal, d.evidence_text FROM detections d JOIN events e ON e.project_id = d.project_id AND e.event_id = d.event_id
			WHERE d.project_id = ?1 AND d.received_at > ?2 AND d.received_at <= ?3 AND d.signal IN (SELECT value FROM json_each(?4)) AND ${filter}
			UNION ALL
			SELECT e.event_id, e.user_id, e.input, e.output, s.received_at, s.signal, s.comment FROM signals s JOIN events e ON e.project_id = s.project_id AND e.event_id = s.event_id
			WHERE s.project_id = ?1 AND s.received_at > ?2 AND s.received_at <= ?3 AND s.signal IN (SELECT value FROM json_each(?4)) AND ${filter}
		) m WHERE NOT EXISTS (SELECT 1 FROM alert_deliveries a WHERE a.rule_id = ?5 AND a.dedupe_key = 'match:' || m.event_id || ':' || m.signal)
		ORDER BY m.received_at LIMIT ?6`;

/** Each newly flagged interaction (negative implicit detections and explicit feedback), filtered, oldest first. */
async function everyMatchAlerts(env: AlertEnv, rule: Rule, now: number): Promise<{ alerts: Raised[]; complete: boolean }> {
	const from = Math.max(rule.created_at, rule.cursor_at - LATE_ARRIVAL_MS);
	const signals = rule.f.signals?.length ? rule.f.signals : NEGATIVE_SIGNALS;
	const binds: unknown[] = [rule.project_id, from, now, JSON.stringify(signals), rule.id, MATCHES_PER_RUN];
	const filter = eventFilterSql(rule.f, binds);
	const { results } = await env.DB.prepare(everyMatchSql(filter))
		.bind(...binds)
		.all<{ event_id: string; user_id: string; input: string | null; output: string | null; signal: string; evidence_text: string | null }>();
	const clip = (s: string | null) => (s && s.length > 500 ? `${s.slice(0, 499)}…` : s);
	const alerts = results.map((m) => ({
		dedupeKey: `match:${m.event_id}:${m.signal}`,
		subject: `signal:${m.signal}`,
		message: {
			...base(env, rule, now),
			signal: m.signal,
			title: `${m.signal.replaceAll("_", " ")} detected`,
			summary: clip(m.evidence_text ? `“${m.evidence_text}”` : (m.output ?? m.input ?? "")) || `An event was flagged ${m.signal}.`,
			link: `${dashboardUrl(env)}/events/${encodeURIComponent(m.event_id)}`,
			event: { id: m.event_id, user_id: m.user_id, signal: m.signal, input: clip(m.input), output: clip(m.output), evidence: m.evidence_text },
		},
	}));
	return { alerts, complete: results.length < MATCHES_PER_RUN };
}

function base(env: AlertEnv, rule: Rule, now: number): Omit<AlertMessage, "title" | "summary"> {
	return { kind: rule.kind, project_id: rule.project_id, rule: { id: rule.id, name: rule.name }, link: dashboardUrl(env), at: new Date(now).toISOString() };
}

async function issueTitle(env: AlertEnv, id: string): Promise<string> {
	return (await env.DB.prepare("SELECT title FROM issues WHERE id = ?").bind(id).first<{ title: string }>())?.title ?? id;
}

const HEADLINES: Record<string, string> = { new_issue: "New issue", regressed: "Regressed", escalating: "Escalating" };

/** An issue alert: users affected (and their share of the week's active users), the 24-hour trend, a link. */
async function issueMessage(env: AlertEnv, rule: Rule, issueId: string, now: number): Promise<AlertMessage> {
	const today = Math.floor(now / DAY_MS);
	const r = (await env.DB.prepare(
		`SELECT i.id, i.title, i.description, i.signal, i.state,
			(SELECT coalesce(sum(events), 0) FROM issue_days d WHERE d.issue_id = i.id) AS events,
			(SELECT count(DISTINCT user_id) FROM issue_user_days u WHERE u.issue_id = i.id) AS users,
			(SELECT count(DISTINCT user_id) FROM issue_user_days u WHERE u.issue_id = i.id AND u.day BETWEEN ?2 AND ?3) AS week_users,
			(SELECT count(DISTINCT user_id) FROM user_days u WHERE u.project_id = i.project_id AND u.day BETWEEN ?2 AND ?3) AS active,
			(SELECT count(DISTINCT user_id) FROM issue_events x WHERE x.issue_id = i.id AND x.timestamp > ?4 AND x.timestamp <= ?5) AS users_24h,
			(SELECT count(DISTINCT user_id) FROM issue_events x WHERE x.issue_id = i.id AND x.timestamp > ?6 AND x.timestamp <= ?4) AS users_prev_24h
		 FROM issues i WHERE i.id = ?1`,
	)
		.bind(issueId, today - 6, today, now - DAY_MS, now, now - 2 * DAY_MS)
		.first<{
			id: string;
			title: string;
			description: string;
			signal: string;
			state: string;
			events: number;
			users: number;
			week_users: number;
			active: number;
			users_24h: number;
			users_prev_24h: number;
		}>())!;
	const usersPct = r.active ? Math.round((1000 * r.week_users) / r.active) / 10 : 0;
	return {
		...base(env, rule, now),
		signal: r.signal,
		title: `${HEADLINES[rule.kind] ?? "Issue"}: ${r.title}`,
		summary: `${r.description} ${r.users} users affected (${usersPct}% of this week's active users), ${r.events} events.`,
		link: `${dashboardUrl(env)}/issues/${r.id}`,
		issue: {
			id: r.id,
			title: r.title,
			signal: r.signal,
			state: r.state,
			events: r.events,
			users: r.users,
			users_pct: usersPct,
			users_24h: r.users_24h,
			users_prev_24h: r.users_prev_24h,
		},
	};
}
