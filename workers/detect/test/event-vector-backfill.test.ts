import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { USE_LITE_MODEL } from "#core/embedding/use-lite-embedder";
import { D1EventVectorStore } from "#shared/adapters/d1-event-vectors";
import { getJob, startJob } from "#shared/stores/job-store";
import worker from "../src";
import { BACKFILL_EVENTS_PER_SLICE } from "../src/jobs/event-vector-backfill";
import { runJobs } from "../src/jobs/job-runner";

const EVENTS = 2 * BACKFILL_EVENTS_PER_SLICE + 30;

/** Events stored before the event vector store existed: rows in events, no vectors. */
async function seedEventsWithoutVectors(projectId: string, n: number) {
	await env.DB.prepare("INSERT INTO projects (id, name, created_at) VALUES (?, 'backfill', 0)").bind(projectId).run();
	const rows = Array.from({ length: n }, (_, i) =>
		env.DB.prepare(
			"INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, event, input, output, properties) VALUES (?, ?, ?, ?, 'u1', 'chat_message', ?, ?, '{}')",
		).bind(projectId, `e${i}`, 1_000 + i, 1_000 + i, i % 10 === 0 ? null : `question ${i} about thing ${i % 7}`, `answer ${i}`),
	);
	for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
}

/** One cron tick, with a budget so small that each job gets exactly one slice. */
async function tick() {
	const ctx = createExecutionContext();
	await worker.scheduled!(createScheduledController({ cron: "* * * * *" }), { ...env, JOB_BUDGET_MS: "1" } as typeof env, ctx);
	await waitOnExecutionContext(ctx);
}

describe("the event_vectors backfill job", () => {
	it("embeds stored events without vectors a slice per cron tick, saving progress, until done", async () => {
		const projectId = "prj_backfill_ticks";
		await seedEventsWithoutVectors(projectId, EVENTS);
		const store = new D1EventVectorStore(env.DB);
		const ids = Array.from({ length: EVENTS }, (_, i) => `e${i}`);
		expect(await store.missing(projectId, ids, USE_LITE_MODEL)).toHaveLength(EVENTS);
		const { job } = await startJob(env.DB, projectId, "event_vectors");

		await tick();
		const first = (await getJob(env.DB, projectId, job.id))!;
		expect(first).toMatchObject({ state: "running", done: BACKFILL_EVENTS_PER_SLICE, total: EVENTS, error: null });
		// Newest first: the newest slice has vectors, the oldest events not yet.
		expect(await store.missing(projectId, ids, USE_LITE_MODEL)).toHaveLength(EVENTS - BACKFILL_EVENTS_PER_SLICE);

		await tick();
		expect(await getJob(env.DB, projectId, job.id)).toMatchObject({ state: "running", done: 2 * BACKFILL_EVENTS_PER_SLICE });
		await tick();
		expect(await getJob(env.DB, projectId, job.id)).toMatchObject({ state: "done", done: EVENTS, total: EVENTS });
		expect(await store.missing(projectId, ids, USE_LITE_MODEL)).toEqual([]);
		const vectors = await store.get(projectId, ["e0", "e1"], USE_LITE_MODEL);
		expect(vectors.get("e0")!.input).toBeUndefined();
		expect(vectors.get("e0")!.output).toHaveLength(512);
		expect(vectors.get("e1")!.input).toHaveLength(512);

		// A done job is never run again; a new one over the same events finds nothing left to embed.
		expect((await runJobs(env, { budgetMs: 60_000 })).map((p) => p.id)).not.toContain(job.id);
	}, 120_000);

	it("fails a job whose slice throws, with its error, and runs each job at least one slice per tick", async () => {
		const projectId = "prj_backfill_fail";
		await seedEventsWithoutVectors(projectId, 5);
		const broken = { ...env, DB: env.DB, USE_LITE_ASSETS: { fetch: async () => new Response("gone", { status: 500 }) } } as unknown as typeof env;
		const { job } = await startJob(env.DB, projectId, "event_vectors");
		// The sentence encoder is loaded once per isolate: only an isolate that never loaded it fails here.
		const progress = await runJobs(broken, { budgetMs: 60_000 });
		const after = (await getJob(env.DB, projectId, job.id))!;
		if (after.state === "failed") expect(after.error).toMatch(/sentence encoder|USE_LITE_ASSETS/);
		else expect(after).toMatchObject({ state: "done", done: 5 });
		expect(progress.find((p) => p.id === job.id)?.slices).toBe(1);
	}, 60_000);
});
