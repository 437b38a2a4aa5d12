interface Count {
	value: string | null;
	events: number;
	users: number;
}

const TOP = 10;

const BASE = "FROM issue_events ie JOIN events e ON e.project_id = ie.project_id AND e.event_id = ie.event_id WHERE ie.issue_id = ?1";

/** The breakdown statements: each walks one issue's issue_events rows and seeks their events by key. */
export const ISSUE_BREAKDOWN_SQL = {
	models: `SELECT e.model AS value, count(*) AS events, count(DISTINCT ie.user_id) AS users ${BASE} GROUP BY e.model ORDER BY events DESC LIMIT ${TOP}`,
	properties: `SELECT p.key AS key, CAST(p.value AS TEXT) AS value, count(*) AS events, count(DISTINCT ie.user_id) AS users ${BASE.replace("WHERE", ", json_each(e.properties) p WHERE")} GROUP BY p.key, p.value ORDER BY events DESC LIMIT 200`,
	traits: `SELECT t.key AS key, CAST(t.value AS TEXT) AS value, count(*) AS events, count(DISTINCT ie.user_id) AS users
				 FROM issue_events ie JOIN users u ON u.project_id = ie.project_id AND u.user_id = ie.user_id, json_each(u.traits) t
				 WHERE ie.issue_id = ?1 GROUP BY t.key, t.value ORDER BY events DESC LIMIT 200`,
	tools: `SELECT tc.name AS name, tc.error AS error, count(*) AS events, count(DISTINCT ie.user_id) AS users
				 FROM issue_events ie JOIN tool_calls tc ON tc.project_id = ie.project_id AND tc.event_id = ie.event_id
				 WHERE ie.issue_id = ?1 GROUP BY tc.name, tc.error ORDER BY events DESC LIMIT ${TOP}`,
	intents: `SELECT i.name AS value, count(*) AS events, count(DISTINCT ie.user_id) AS users
				 FROM issue_events ie JOIN event_intents ei ON ei.project_id = ie.project_id AND ei.event_id = ie.event_id JOIN intents i ON i.id = ei.intent_id
				 WHERE ie.issue_id = ?1 GROUP BY i.id ORDER BY events DESC LIMIT ${TOP}`,
};

/**
 * Where an issue happens: its events split by model, by every event property (prompt version,
 * plan, platform, ...), by user trait, and by tool and tool error. Top values per dimension.
 */
export async function issueBreakdowns(db: D1Database, issueId: string) {
	const q = ISSUE_BREAKDOWN_SQL;
	const [models, properties, traits, tools, intents] = await db.batch([q.models, q.properties, q.traits, q.tools, q.intents].map((sql) => db.prepare(sql).bind(issueId)));
	const byKey = (rows: { key: string; value: string; events: number; users: number }[]) => {
		const out: Record<string, Count[]> = {};
		for (const r of rows) {
			const list = (out[r.key] ??= []);
			if (list.length < TOP) list.push({ value: r.value, events: r.events, users: r.users });
		}
		return out;
	};
	return {
		model: models!.results as unknown as Count[],
		intent: intents!.results as unknown as Count[],
		properties: byKey(properties!.results as never),
		traits: byKey(traits!.results as never),
		tools: (tools!.results as { name: string; error: string | null; events: number; users: number }[]).map((t) => ({ name: t.name, error: t.error, events: t.events, users: t.users })),
	};
}
