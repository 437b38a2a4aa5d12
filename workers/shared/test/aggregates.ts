import { env } from "cloudflare:test";
import { expect } from "vitest";

/**
 * The aggregates kept by triggers against a recount from the rows they summarize, every row equal:
 * the issues' per-day counts (issue_days, issue_user_days and the negative flag on issue_events,
 * migration 0017) from issue_events, signals and detections, and the intent matrix's rows
 * (intent_signal_days, migration 0019) from event_intents, detections and signals. Called after
 * tests that insert, move (merge, split, teach) or delete through the real code paths, with event_days
 * and the last-active rows (below). Returns the issue events, matrix and last-active rows checked. Not for
 * retention, which keeps issue_days' counts on purpose while the events leave.
 */
export async function expectAggregatesMatch(): Promise<number> {
	const [negative, userDays, userDaysRecount, days, daysRecount, total, matrix, matrixRecount] = await env.DB.batch([
		env.DB.prepare(
			`SELECT project_id, signal, event_id, negative FROM issue_events ie WHERE negative != (
				EXISTS (SELECT 1 FROM signals s WHERE s.project_id = ie.project_id AND s.event_id = ie.event_id AND s.signal IN ('thumbs_down', 'regenerate', 'edit', 'code_error'))
				OR EXISTS (SELECT 1 FROM events ev JOIN detections d ON d.project_id = ev.project_id AND d.convo_id = ev.convo_id AND d.signal = 'user_frustration' AND d.timestamp >= ie.timestamp
					WHERE ev.project_id = ie.project_id AND ev.event_id = ie.event_id))`,
		),
		env.DB.prepare("SELECT issue_id, user_id, day, events FROM issue_user_days ORDER BY 1, 2, 3"),
		env.DB.prepare("SELECT issue_id, user_id, day, count(*) AS events FROM issue_events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"),
		env.DB.prepare("SELECT issue_id, day, project_id, events, users, negative_events FROM issue_days ORDER BY 1, 2"),
		env.DB.prepare(
			"SELECT issue_id, day, min(project_id) AS project_id, count(*) AS events, count(DISTINCT user_id) AS users, sum(negative) AS negative_events FROM issue_events GROUP BY 1, 2 ORDER BY 1, 2",
		),
		env.DB.prepare("SELECT count(*) AS n FROM issue_events"),
		env.DB.prepare("SELECT project_id, day, intent_id, signal, user_id, events FROM intent_signal_days ORDER BY 1, 2, 3, 4, 5"),
		env.DB.prepare(
			`SELECT ei.project_id, ei.day, ei.intent_id, x.signal, ei.user_id, count(*) AS events FROM event_intents ei
			 JOIN (SELECT project_id, event_id, signal FROM detections UNION ALL SELECT project_id, event_id, signal FROM signals) x ON x.project_id = ei.project_id AND x.event_id = ei.event_id
			 GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
		),
	]);
	expect(negative!.results, "issue events whose negative flag disagrees with their signals and detections").toEqual([]);
	expect(userDays!.results, "issue_user_days against a recount of issue_events").toEqual(userDaysRecount!.results);
	expect(days!.results, "issue_days against a recount of issue_events").toEqual(daysRecount!.results);
	expect(matrix!.results, "intent_signal_days against a recount of event_intents, detections and signals").toEqual(matrixRecount!.results);
	await expectEventDaysMatch();
	return (total!.results[0] as { n: number }).n + matrix!.results.length + (await expectLastActiveMatch());
}

/** The last-active tables (migration 0028) and the day tables they follow: each key and user's latest day. */
const LAST_ACTIVE = [
	["user_last_days", "user_days", "project_id, user_id"],
	["signal_user_last_days", "user_signal_days", "project_id, signal, user_id"],
	["intent_user_last_days", "event_intents", "project_id, intent_id, user_id"],
	["intent_signal_user_last_days", "intent_signal_days", "project_id, intent_id, signal, user_id"],
] as const;

/**
 * event_days against a recount of events (migration 0030), as the rows that disagree: a day stored with a
 * different count, or a day with events and no row. Only the days from each project's oldest stored event on
 * are exact: retention's hold keeps the counts of the days it purged, and the oldest day may have lost its
 * first events that way (its count may then be higher). A day whose events all went keeps a row at 0.
 */
export async function expectEventDaysMatch(): Promise<void> {
	const { results } = await env.DB.prepare(
		`WITH recount AS (SELECT project_id, timestamp / 86400000 AS day, count(*) AS events FROM events GROUP BY 1, 2),
			oldest AS (SELECT project_id, min(timestamp) / 86400000 AS day FROM events GROUP BY 1)
		 SELECT d.project_id, d.day, d.events, coalesce(r.events, 0) AS stored FROM event_days d
			JOIN oldest o ON o.project_id = d.project_id AND d.day >= o.day
			LEFT JOIN recount r ON r.project_id = d.project_id AND r.day = d.day
			WHERE d.events != coalesce(r.events, 0) AND NOT (d.day = o.day AND d.events > coalesce(r.events, 0))
		 UNION ALL
		 SELECT r.project_id, r.day, NULL, r.events FROM recount r LEFT JOIN event_days d ON d.project_id = r.project_id AND d.day = r.day WHERE d.day IS NULL`,
	).all();
	expect(results, "event_days rows that disagree with a recount of events").toEqual([]);
}

/** Every last-active row against a recount of its day table (retention included). Returns the rows checked. */
export async function expectLastActiveMatch(): Promise<number> {
	const results = await env.DB.batch(
		LAST_ACTIVE.flatMap(([last, days, key]) => [
			env.DB.prepare(`SELECT ${key}, day FROM ${last} ORDER BY ${key}`),
			env.DB.prepare(`SELECT ${key}, max(day) AS day FROM ${days} GROUP BY ${key} ORDER BY ${key}`),
		]),
	);
	LAST_ACTIVE.forEach(([last, days], i) => expect(results[2 * i]!.results, `${last} against a recount of ${days}`).toEqual(results[2 * i + 1]!.results));
	return results.filter((_, i) => i % 2 === 0).reduce((n, r) => n + r.results.length, 0);
}
