import type { AlertRuleKind } from "./alert-rule-input";

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
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const pct = (x: number) => `${Number.isInteger(x) ? x : x.toFixed(1)}%`;

export function trendText(now: number, before: number): string {
	if (now === before) return `${now} users in 24 h, flat`;
	const arrow = now > before ? "▲" : "▼";
	return `${arrow} ${now} users in 24 h (${before} the day before)`;
}

/** Label / value pairs every destination shows. */
function facts(m: AlertMessage): Array<[string, string]> {
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

/** Slack incoming webhook, Block Kit: header, summary, fields, a button to the dashboard. */
export function renderSlack(m: AlertMessage): string {
	const fields = facts(m).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${clip(v, 1900)}` }));
	return JSON.stringify({
		text: `${m.title}: ${m.summary}`,
		blocks: [
			{ type: "header", text: { type: "plain_text", text: clip(m.title, 150), emoji: true } },
			{ type: "section", text: { type: "mrkdwn", text: clip(m.summary, 2900) } },
			...(fields.length ? [{ type: "section", fields: fields.slice(0, 10) }] : []),
			{ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Barometer" }, url: m.link }] },
			{ type: "context", elements: [{ type: "mrkdwn", text: `Rule *${clip(m.rule.name, 100)}* · ${m.at}` }] },
		],
	});
}

const DISCORD_COLOURS: Record<string, number> = { new_issue: 0x3b82f6, regressed: 0xf97316, escalating: 0xef4444, threshold: 0xeab308, every_match: 0x8b5cf6, test: 0x6b7280 };

/** Discord webhook: one embed; mentions disabled so an alert never pings @everyone. */
export function renderDiscord(m: AlertMessage): string {
	return JSON.stringify({
		allowed_mentions: { parse: [] },
		embeds: [
			{
				title: clip(m.title, 256),
				description: clip(m.summary, 4000),
				url: m.link,
				color: DISCORD_COLOURS[m.kind] ?? 0x6b7280,
				fields: facts(m).slice(0, 25).map(([name, value]) => ({ name, value: clip(value, 1024), inline: name !== "Evidence" })),
				footer: { text: clip(`Barometer · ${m.rule.name}`, 2048) },
				timestamp: m.at,
			},
		],
	});
}

/** Generic JSON webhook body: the message itself, with the delivery id a receiver dedupes on. */
export function renderWebhook(m: AlertMessage, deliveryId: string): string {
	return JSON.stringify({ type: `barometer.alert.${m.kind}`, delivery_id: deliveryId, ...m });
}

/** Retry delay after `attempts` failed sends: 30 s doubling, capped at an hour, with jitter. */
export function alertRetryDelayMs(attempts: number, random = Math.random): number {
	const ceiling = Math.min(3_600_000, 30_000 * 2 ** Math.max(0, attempts - 1));
	return Math.round(ceiling * (0.5 + random() / 2));
}

export const ALERT_MAX_ATTEMPTS = 5;
