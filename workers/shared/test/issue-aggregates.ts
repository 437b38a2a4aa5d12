import { env } from "cloudflare:test";
import { expect } from "vitest";

/**
 * The issues' per-day aggregates (issue_days, issue_user_days and the negative flag on
 * issue_events, kept by the triggers of migration 0017) against a recount from issue_events,
 * signals and detections: every row equal. Called after tests that insert, move (merge, split,
 * teach) or delete issue events through the real code paths. Returns the issue events checked.
 * Not for retention, which keeps issue_days' counts on purpose while the events leave.
 */
export async function expectIssueAggregatesMatch(): Promise<number> {
	const [negative, userDays, userDaysRecount, days, daysRecount, total] = await env.DB.batch([
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
	]);
	expect(negative!.results, "issue events whose negative flag disagrees with their signals and detections").toEqual([]);
	expect(userDays!.results, "issue_user_days against a recount of issue_events").toEqual(userDaysRecount!.results);
	expect(days!.results, "issue_days against a recount of issue_events").toEqual(daysRecount!.results);
	return (total!.results[0] as { n: number }).n;
}
