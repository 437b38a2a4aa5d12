import type { BreakdownRow, IssueBreakdowns } from "#core/api/issues";

const TOP = 10;
/** Breakdowns read an issue's most recent events, at most this many: shares hold, the cost stays bounded. */
export const BREAKDOWN_SAMPLE = 1000;

/** The issue's most recent events, newest first by its (issue, time) index. Alias `recent` (a bounded subquery). */
const SAMPLE = `(SELECT project_id, event_id, user_id FROM issue_events INDEXED BY issue_events_issue_time_idx WHERE issue_id = ?1 ORDER BY timestamp DESC LIMIT ${BREAKDOWN_SAMPLE}) recent`;
const BASE = `FROM ${SAMPLE} JOIN events e ON e.project_id = recent.project_id AND e.event_id = recent.event_id`;

/** The breakdown statements: each reads the issue's sample of issue_events rows and seeks what it joins by key. */
export const ISSUE_BREAKDOWN_SQL = {
	sample: `SELECT count(*) AS events, count(DISTINCT recent.user_id) AS users FROM ${SAMPLE}`,
	models: `SELECT e.model AS value, count(*) AS events, count(DISTINCT recent.user_id) AS users ${BASE} GROUP BY e.model ORDER BY events DESC LIMIT ${TOP}`,
	properties: `SELECT p.key AS key, CAST(p.value AS TEXT) AS value, count(*) AS events, count(DISTINCT recent.user_id) AS users ${BASE}, json_each(e.properties) p GROUP BY p.key, p.value ORDER BY events DESC LIMIT 200`,
	traits: `SELECT t.key AS key, CAST(t.value AS TEXT) AS value, count(*) AS events, count(DISTINCT recent.user_id) AS users
				 FROM ${SAMPLE} JOIN users u ON u.project_id = recent.project_id AND u.user_id = recent.user_id, json_each(u.traits) t
				 GROUP BY t.key, t.value ORDER BY events DESC LIMIT 200`,
	tools: `SELECT tc.name AS name, tc.error AS error, count(*) AS events, count(DISTINCT recent.user_id) AS users
				 FROM ${SAMPLE} JOIN tool_calls tc ON tc.project_id = recent.project_id AND tc.event_id = recent.event_id
				 GROUP BY tc.name, tc.error ORDER BY events DESC LIMIT ${TOP}`,
	intents: `SELECT i.name AS value, count(*) AS events, count(DISTINCT recent.user_id) AS users
				 FROM ${SAMPLE} JOIN event_intents ei ON ei.project_id = recent.project_id AND ei.event_id = recent.event_id JOIN intents i ON i.id = ei.intent_id
				 GROUP BY i.id ORDER BY events DESC LIMIT ${TOP}`,
};

/**
 * Where an issue happens: its events split by model, by every event property (prompt version,
 * plan, platform, ...), by user trait, and by tool and tool error. Top values per dimension, over
 * the issue's BREAKDOWN_SAMPLE most recent events (all of them for most issues); `sample` says how
 * many events and users that is, the base of every share.
 */
export async function issueBreakdowns(db: D1Database, issueId: string): Promise<IssueBreakdowns> {
	const q = ISSUE_BREAKDOWN_SQL;
	const [sample, models, properties, traits, tools, intents] = await db.batch(
		[q.sample, q.models, q.properties, q.traits, q.tools, q.intents].map((sql) => db.prepare(sql).bind(issueId)),
	);
	const byKey = (rows: { key: string; value: string; events: number; users: number }[]) => {
		const out: Record<string, BreakdownRow[]> = {};
		for (const r of rows) {
			const list = (out[r.key] ??= []);
			if (list.length < TOP) list.push({ value: r.value, events: r.events, users: r.users });
		}
		return out;
	};
	return {
		sample: sample!.results[0] as { events: number; users: number },
		model: models!.results as unknown as BreakdownRow[],
		intent: intents!.results as unknown as BreakdownRow[],
		properties: byKey(properties!.results as never),
		traits: byKey(traits!.results as never),
		tools: (tools!.results as { name: string; error: string | null; events: number; users: number }[]).map((t) => ({
			name: t.name,
			error: t.error,
			events: t.events,
			users: t.users,
		})),
	};
}
