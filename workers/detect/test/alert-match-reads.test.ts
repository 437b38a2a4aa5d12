import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import worker from "../src";
import { everyMatchSql } from "../src/alerts/alert-evaluation";
import { batchOf, eventMessage } from "./messages";

/**
 * What every-match alert rules read, and how they find it: detections by their time of arrival (migration 0036
 * moved that index from events, a row written per event, to detections, a row per detection). The rules' own
 * behaviour on the cron is in alerts.test.ts.
 */
async function consume(messages: ReturnType<typeof eventMessage>[]) {
	const ctx = createExecutionContext();
	await worker.queue!(batchOf(messages), env, ctx);
	await waitOnExecutionContext(ctx);
}

describe("every-match rules read what arrived since their last run through indexes", () => {
	it("seeks detections by (project, received_at) and signals by their own, with no scan", async () => {
		const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${everyMatchSql("1")}`)
			.bind("prj", 0, 1, JSON.stringify(["refusal"]), "rule", 50)
			.all<{ detail: string }>();
		const plan = results.map((r) => r.detail).join("\n");
		expect(plan).toMatch(/SEARCH d USING INDEX detections_project_received_idx \(project_id=\? AND received_at>\? AND received_at<\?\)/);
		expect(plan).not.toMatch(/SCAN (d|e|s)\b/);
	});

	it("migration 0036 gives the detections of events that arrived in the last week their time of arrival", async () => {
		const project = `prj_backfill_${Date.now()}`;
		const MONTH = 30 * 86_400_000;
		// Arrived now: one as it happened, one back-dated a month (an import). A third arrived a month ago.
		await consume([
			eventMessage(project, "recent", { output: CONTACT_REFUSALS[0] }),
			eventMessage(project, "imported", { output: CONTACT_REFUSALS[1], timestamp: Date.now() - MONTH }),
			eventMessage(project, "long-ago", { output: CONTACT_REFUSALS[2] }),
		]);
		await env.DB.prepare("UPDATE events SET received_at = received_at - ? WHERE project_id = ? AND event_id = 'long-ago'").bind(MONTH, project).run();
		// Each event's detections (a refusal, maybe more), with the earliest and latest time of arrival among them.
		const received = () =>
			env.DB.prepare("SELECT event_id, min(received_at) AS lo, max(received_at) AS hi FROM detections WHERE project_id = ? GROUP BY event_id ORDER BY event_id")
				.bind(project)
				.all<{ event_id: string; lo: number; hi: number }>()
				.then((r) => r.results);
		const stored = await received();
		expect(stored.map((d) => d.event_id)).toEqual(["imported", "long-ago", "recent"]);
		expect(stored.every((d) => d.lo > 0 && d.lo === d.hi)).toBe(true);
		// As stored before the migration: no time of arrival.
		await env.DB.prepare("UPDATE detections SET received_at = 0 WHERE project_id = ?").bind(project).run();
		const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0036_"))!;
		const backfill = migration.queries.find((q) => q.includes("UPDATE `detections`"))!;
		await env.DB.prepare(backfill).run();
		const arrivals = await env.DB.prepare("SELECT event_id, received_at FROM events WHERE project_id = ? ORDER BY event_id")
			.bind(project)
			.all<{ event_id: string; received_at: number }>();
		const arrived = (id: string) => arrivals.results.find((r) => r.event_id === id)!.received_at;
		expect(await received()).toEqual([
			{ event_id: "imported", lo: arrived("imported"), hi: arrived("imported") },
			{ event_id: "long-ago", lo: 0, hi: 0 },
			{ event_id: "recent", lo: arrived("recent"), hi: arrived("recent") },
		]);
	});
});
