import type { IssueBreakdowns } from "#core/api/issues";
import { rankAgainstBaseline } from "#core/issues/breakdown-baseline";
import { DAY_MS } from "#core/timestamps";

const TOP = 10;
/** Breakdowns read an issue's most recent events in the window, at most this many: shares hold, the cost stays bounded. */
export const BREAKDOWN_SAMPLE = 1000;
/**
 * The baseline reads at most this many of the project's events, spread evenly over the window's
 * days (the latest of each day; 200 a day over 30 days): no per-value daily aggregate exists
 * (user_days and event_days hold no model, property or tool), so the share of all users with a
 * value is read from events, bounded per day so that every day counts, not only the busiest hours.
 */
export const BASELINE_SAMPLE = 6000;
export const baselinePerDay = (fromDay: number, toDay: number) => Math.max(1, Math.floor(BASELINE_SAMPLE / (toDay - fromDay + 1)));
/** Joins a key and a value into one text to match against a JSON list of them (a control character no key holds). */
const SEP = "char(31)";

/** The issue's most recent events in the window (?2, ?3: epoch ms), newest first by its (issue, time) index. Alias `recent`. */
const SAMPLE = `(SELECT project_id, event_id, user_id FROM issue_events INDEXED BY issue_events_issue_time_idx WHERE issue_id = ?1 AND timestamp >= ?2 AND timestamp < ?3 ORDER BY timestamp DESC LIMIT ${BREAKDOWN_SAMPLE}) recent`;
const BASE = `FROM ${SAMPLE} JOIN events e ON e.project_id = recent.project_id AND e.event_id = recent.event_id`;

/** The breakdown statements: each reads the issue's sample of issue_events rows and seeks what it joins by key. Binds: issue, window start and end (ms). */
export const ISSUE_BREAKDOWN_SQL = {
	sample: `SELECT count(*) AS events, count(DISTINCT recent.user_id) AS users FROM ${SAMPLE}`,
	models: `SELECT e.model AS value, count(*) AS events, count(DISTINCT recent.user_id) AS users ${BASE} GROUP BY e.model ORDER BY users DESC, events DESC LIMIT ${TOP}`,
	properties: `SELECT p.key AS key, CAST(p.value AS TEXT) AS value, count(*) AS events, count(DISTINCT recent.user_id) AS users ${BASE}, json_each(e.properties) p GROUP BY p.key, p.value ORDER BY users DESC, events DESC LIMIT 200`,
	traits: `SELECT t.key AS key, CAST(t.value AS TEXT) AS value, count(*) AS events, count(DISTINCT recent.user_id) AS users
				 FROM ${SAMPLE} JOIN users u ON u.project_id = recent.project_id AND u.user_id = recent.user_id, json_each(u.traits) t
				 GROUP BY t.key, t.value ORDER BY users DESC, events DESC LIMIT 200`,
	tools: `SELECT tc.name AS name, tc.error AS error, count(*) AS events, count(DISTINCT recent.user_id) AS users
				 FROM ${SAMPLE} JOIN tool_calls tc ON tc.project_id = recent.project_id AND tc.event_id = recent.event_id
				 GROUP BY tc.name, tc.error ORDER BY users DESC, events DESC LIMIT ${TOP}`,
	intents: `SELECT i.id AS id, i.name AS value, count(*) AS events, count(DISTINCT recent.user_id) AS users
				 FROM ${SAMPLE} JOIN event_intents ei ON ei.project_id = recent.project_id AND ei.event_id = recent.event_id JOIN intents i ON i.id = ei.intent_id
				 GROUP BY i.id ORDER BY users DESC, events DESC LIMIT ${TOP}`,
};

/**
 * The baseline, one statement so the sample is read once: the project's latest ?8 events of each
 * day from ?2 to ?3 (a range of its (project, time) index per day), then, per
 * dimension, the distinct users who had each of the issue's values: every model (each row also
 * carries the sample's events and users: D1 allows 5 terms in a compound SELECT), and the property, trait, tool and intent keys listed in ?4 … ?7 (JSON arrays).
 */
export const BASELINE_SQL = `WITH RECURSIVE days(day) AS (SELECT ?2 UNION ALL SELECT day + 1 FROM days WHERE day < ?3),
				base AS MATERIALIZED (
					SELECT e.project_id, e.event_id, e.user_id, e.model, e.properties FROM days
					JOIN events e ON e.rowid IN (
						SELECT r.rowid FROM events r INDEXED BY events_project_time_idx
						WHERE r.project_id = ?1 AND r.timestamp >= days.day * ${DAY_MS} AND r.timestamp < (days.day + 1) * ${DAY_MS}
						ORDER BY r.timestamp DESC LIMIT ?8))
				SELECT 'model' AS dim, model AS k, count(*) AS events, count(DISTINCT user_id) AS users,
					(SELECT count(*) FROM base) AS all_events, (SELECT count(DISTINCT user_id) FROM base) AS all_users FROM base GROUP BY model
				UNION ALL SELECT 'property', p.key || ${SEP} || CAST(p.value AS TEXT), count(*), count(DISTINCT b.user_id), NULL, NULL FROM base b, json_each(b.properties) p
					WHERE p.key || ${SEP} || CAST(p.value AS TEXT) IN (SELECT value FROM json_each(?4)) GROUP BY 2
				UNION ALL SELECT 'trait', t.key || ${SEP} || CAST(t.value AS TEXT), count(*), count(*), NULL, NULL FROM (SELECT DISTINCT project_id, user_id FROM base) b
					JOIN users u ON u.project_id = b.project_id AND u.user_id = b.user_id, json_each(u.traits) t
					WHERE t.key || ${SEP} || CAST(t.value AS TEXT) IN (SELECT value FROM json_each(?5)) GROUP BY 2
				UNION ALL SELECT 'tool', tc.name || ${SEP} || coalesce(tc.error, ''), count(*), count(DISTINCT b.user_id), NULL, NULL FROM base b
					JOIN tool_calls tc ON tc.project_id = b.project_id AND tc.event_id = b.event_id
					WHERE tc.name || ${SEP} || coalesce(tc.error, '') IN (SELECT value FROM json_each(?6)) GROUP BY 2
				UNION ALL SELECT 'intent', ei.intent_id, count(*), count(DISTINCT b.user_id), NULL, NULL FROM base b
					CROSS JOIN event_intents ei ON ei.project_id = b.project_id AND ei.event_id = b.event_id
					WHERE ei.intent_id IN (SELECT value FROM json_each(?7)) GROUP BY 2`;

const keyOf = (key: string, value: string | null) => `${key}\u001f${value ?? ""}`;
const dayIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

interface Row {
	value: string | null;
	events: number;
	users: number;
}
type KeyedRow = Row & { key: string };
type ToolRow = { name: string; error: string | null; events: number; users: number };

/**
 * Where an issue happens, and how that differs from all traffic: its events in the window split by
 * model, intent, every event property (prompt version, plan, platform, ...), user trait, and tool
 * and tool error. Each value carries its share of the issue's users beside its share of all users
 * active in the same window (the baseline), and each dimension lists its values most
 * over-represented first (see rankAgainstBaseline). Both sides are bounded samples: the issue's
 * BREAKDOWN_SAMPLE most recent events, the project's latest events of each day, BASELINE_SAMPLE in all.
 */
export async function issueBreakdowns(db: D1Database, projectId: string, issueId: string, fromDay: number, toDay: number): Promise<IssueBreakdowns> {
	const q = ISSUE_BREAKDOWN_SQL;
	const [sampleRes, modelsRes, propertiesRes, traitsRes, toolsRes, intentsRes] = await db.batch(
		[q.sample, q.models, q.properties, q.traits, q.tools, q.intents].map((sql) => db.prepare(sql).bind(issueId, fromDay * DAY_MS, (toDay + 1) * DAY_MS)),
	);
	const sample = sampleRes!.results[0] as { events: number; users: number };
	const models = modelsRes!.results as unknown as Row[];
	const properties = propertiesRes!.results as unknown as KeyedRow[];
	const traits = traitsRes!.results as unknown as KeyedRow[];
	const tools = toolsRes!.results as unknown as ToolRow[];
	const intents = intentsRes!.results as unknown as (Row & { id: string })[];

	const perDay = baselinePerDay(fromDay, toDay);
	const json = (keys: string[]) => JSON.stringify(keys);
	const baselineRows = (
		await db
			.prepare(BASELINE_SQL)
			.bind(
				projectId,
				fromDay,
				toDay,
				json(properties.map((r) => keyOf(r.key, r.value))),
				json(traits.map((r) => keyOf(r.key, r.value))),
				json(tools.map((t) => keyOf(t.name, t.error))),
				json(intents.map((i) => i.id)),
				perDay,
			)
			.all<{ dim: string; k: string | null; events: number; users: number; all_events: number | null; all_users: number | null }>()
	).results;
	const baseline = new Map(baselineRows.map((r) => [`${r.dim}:${r.k ?? ""}`, r]));
	const first = baselineRows.find((r) => r.dim === "model");
	const total = { events: first?.all_events ?? 0, users: first?.all_users ?? 0 };
	const totals = { issueUsers: sample.users, baselineUsers: total.users };
	const usersOf = (dim: string, k: string | null) => baseline.get(`${dim}:${k ?? ""}`)?.users ?? 0;
	const plain = (r: Row) => ({ value: r.value, events: r.events, users: r.users });

	const byKey = (rows: KeyedRow[], dim: string) => {
		const grouped: Record<string, Row[]> = {};
		for (const r of rows) (grouped[r.key] ??= []).push(r);
		const out: Record<string, ReturnType<typeof rankAgainstBaseline<Row>>> = {};
		for (const [key, list] of Object.entries(grouped))
			out[key] = rankAgainstBaseline(list.map(plain), (r) => usersOf(dim, keyOf(key, r.value)), totals).slice(0, TOP);
		return out;
	};
	return {
		window: { from: dayIso(fromDay), to: dayIso(toDay) },
		sample,
		baseline: { events: total.events, users: total.users, per_day: perDay },
		model: rankAgainstBaseline(models.map(plain), (r) => usersOf("model", r.value), totals),
		intent: rankAgainstBaseline(
			intents.map((i) => ({ ...plain(i), id: i.id })),
			(r) => usersOf("intent", r.id),
			totals,
		).map(({ id: _id, ...r }) => r),
		properties: byKey(properties, "property"),
		traits: byKey(traits, "trait"),
		tools: rankAgainstBaseline(
			tools.map((t) => ({ name: t.name, error: t.error, events: t.events, users: t.users })),
			(t) => usersOf("tool", keyOf(t.name, t.error)),
			totals,
		),
	};
}
