import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../src";
import { backfillAggregates } from "../src/maintenance/aggregate-backfill";
import { batchOf, eventMessage } from "./messages";

const DAY = 86_400_000;

async function consume(bodies: unknown[]) {
	const ctx = createExecutionContext();
	await worker.queue!(batchOf(bodies), env, ctx);
	await waitOnExecutionContext(ctx);
}

const eventDays = async (project: string) =>
	(await env.DB.prepare("SELECT day, events FROM event_days WHERE project_id = ? ORDER BY day").bind(project).all<{ day: number; events: number }>()).results;
const firstSeen = async (project: string) =>
	(
		await env.DB.prepare("SELECT kind, value, first_seen FROM first_seen_values WHERE project_id = ? ORDER BY kind, value")
			.bind(project)
			.all<{ kind: string; value: string; first_seen: number }>()
	).results;

describe("read aggregates kept on write", () => {
	it("counts an event once per day however often it is delivered, and keeps the earliest sighting of a model or release", async () => {
		const t = Date.UTC(2026, 10, 2, 12);
		const a = eventMessage("prj_agg", "a1", { timestamp: t, model: "gpt-x", properties: { release: "1.2", prompt_version: 3 } });
		const b = eventMessage("prj_agg", "a2", { timestamp: t - DAY, model: "gpt-x", properties: { release: "1.2" } });
		await consume([a]);
		await consume([a, b]);
		await consume([b]);
		expect(await eventDays("prj_agg")).toEqual([
			{ day: t / DAY - 1.5, events: 1 },
			{ day: t / DAY - 0.5, events: 1 },
		]);
		expect(await firstSeen("prj_agg")).toEqual([
			{ kind: "model", value: "gpt-x", first_seen: t - DAY },
			{ kind: "prompt_version", value: "3", first_seen: t },
			{ kind: "release", value: "1.2", first_seen: t - DAY },
		]);
	});
});

describe("read aggregates backfilled for events stored before them", () => {
	it("fills event_days and first_seen_values in bounded steps, then stops; a rerun changes nothing", async () => {
		const project = "prj_backfill";
		await env.DB.prepare("INSERT INTO projects (id, name, created_at) VALUES (?, 'b', 0)").bind(project).run();
		const t0 = Date.UTC(2026, 9, 1);
		const rows = Array.from({ length: 50 }, (_, i) =>
			env.DB.prepare(
				"INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, event, model, properties) VALUES (?, ?, ?, ?, 'u', 'chat', ?, ?)",
			).bind(project, `b${i}`, t0 + (i % 5) * DAY + i, t0, i < 40 ? "old-model" : "new-model", JSON.stringify({ release: i < 25 ? "1.0" : "1.1" })),
		);
		await env.DB.batch(rows);
		const now = t0 + 10 * DAY;
		let steps = 0;
		for (; steps < 40; steps++) {
			const done = (await backfillAggregates(env.DB, now, { events: 7, days: 2 })).filter((s) => s.project_id === project);
			if (done.length === 0) break;
		}
		// 50 events at 7 per step, 5 days at 2 per step: a handful of runs, each bounded.
		expect(steps).toBeGreaterThan(3);
		expect(steps).toBeLessThan(12);
		expect(await eventDays(project)).toEqual(Array.from({ length: 5 }, (_, d) => ({ day: t0 / DAY + d, events: 10 })));
		expect(await firstSeen(project)).toEqual([
			{ kind: "model", value: "new-model", first_seen: t0 + 0 * DAY + 40 },
			{ kind: "model", value: "old-model", first_seen: t0 },
			{ kind: "release", value: "1.0", first_seen: t0 },
			{ kind: "release", value: "1.1", first_seen: t0 + 25 },
		]);
		expect((await backfillAggregates(env.DB, now)).filter((s) => s.project_id === project)).toEqual([]);
	});
});
