import type { AlertRuleKind } from "./alert-rule-input";
import type { AlertBrief } from "./daily-brief";

/** What a rule raised, independent of where it goes; stored with the delivery, rendered at send time. */
export interface AlertMessage {
	kind: AlertRuleKind | "test";
	project_id: string;
	rule: { id: string; name: string };
	title: string;
	summary: string;
	link: string;
	at: string;
	signal?: string;
	issue?: {
		id: string;
		title: string;
		signal: string;
		state: string;
		events: number;
		users: number;
		/** % of the project's active users in the last 7 days. */
		users_pct: number;
		users_24h: number;
		users_prev_24h: number;
	};
	threshold?: { metric: "users" | "percent_users"; value: number; observed: number; users: number; active_users: number; window_minutes: number };
	event?: { id: string; user_id: string; signal: string; input: string | null; output: string | null; evidence: string | null };
	/** Daily brief rules: the last 24 hours in lists (see daily-brief.ts). */
	brief?: AlertBrief;
}

export const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
export const pct = (x: number) => `${Number.isInteger(x) ? x : x.toFixed(1)}%`;

export function trendText(now: number, before: number): string {
	if (now === before) return `${now} users in 24 h, flat`;
	const arrow = now > before ? "▲" : "▼";
	return `${arrow} ${now} users in 24 h (${before} the day before)`;
}

/** Label / value pairs every destination shows. */
export function alertFacts(m: AlertMessage): Array<[string, string]> {
	const out: Array<[string, string]> = [];
	if (m.issue) {
		out.push(["Users affected", `${m.issue.users} (${pct(m.issue.users_pct)} of active users)`]);
		out.push(["Trend", trendText(m.issue.users_24h, m.issue.users_prev_24h)]);
		out.push(["Signal", m.issue.signal]);
		out.push(["State", m.issue.state]);
	}
	if (m.threshold) {
		const t = m.threshold;
		out.push(["Observed", t.metric === "users" ? `${t.users} users` : `${pct(t.observed)} of users (${t.users} of ${t.active_users})`]);
		out.push(["Threshold", `${t.metric === "users" ? `${t.value} users` : `${t.value}%`} in ${t.window_minutes} min`]);
	}
	if (m.event) {
		out.push(["Signal", m.event.signal]);
		out.push(["User", m.event.user_id]);
		if (m.event.evidence) out.push(["Evidence", `“${clip(m.event.evidence, 200)}”`]);
	}
	if (!m.issue && !m.event && m.signal) out.push(["Signal", m.signal]);
	return out;
}

/** Retry delay after `attempts` failed sends: 30 s doubling, capped at an hour, with jitter. */
export function alertRetryDelayMs(attempts: number, random = Math.random): number {
	const ceiling = Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
	return Math.round(ceiling * (0.5 + random() / 2));
}

export const ALERT_MAX_ATTEMPTS = 5;
