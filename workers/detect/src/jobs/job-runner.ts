import { type JobRow, runnableJobs, saveSlice } from "#shared/stores/job-store";
import type { DetectBindings } from "../ingest-batch/consume-batch";
import { JOB_HANDLERS } from "./job-kinds";

/** Wall time the cron gives jobs per run: slices start while it lasts (a slice may run past it). */
export const JOB_BUDGET_MS = 20_000;
/** Jobs looked at per run, least recently advanced first. */
const JOBS_PER_RUN = 5;

export interface JobProgress {
	id: string;
	kind: string;
	state: JobRow["state"];
	slices: number;
	done: number;
	total: number | null;
}

/**
 * The detect worker's cron step for jobs: queued and running jobs get slices in turn while the
 * budget lasts (the first job at least one); each slice's progress is saved before the next starts, so a run cut short loses at
 * most one slice. A slice that throws fails its job, with the error for GET /api/jobs/:id to show.
 */
export async function runJobs(env: DetectBindings, opts: { budgetMs?: number; now?: () => number } = {}): Promise<JobProgress[]> {
	const now = opts.now ?? Date.now;
	const deadline = now() + (opts.budgetMs ?? JOB_BUDGET_MS);
	const progress: JobProgress[] = [];
	for (let job of await runnableJobs(env.DB, JOBS_PER_RUN)) {
		const seen: JobProgress = { id: job.id, kind: job.kind, state: job.state, slices: 0, done: job.done, total: job.total };
		progress.push(seen);
		// At least one slice per run: a Worker's clock only moves across I/O, so the budget may be spent before the first.
		do {
			let saved: JobRow | null;
			try {
				const slice = await JOB_HANDLERS[job.kind](env, job);
				saved = await saveSlice(env.DB, job, { state: slice.finished ? "done" : "running", cursor: slice.cursor, done: slice.done, total: slice.total }, now());
			} catch (err) {
				console.error(`job ${job.id} (${job.kind}) failed`, err);
				saved = await saveSlice(env.DB, job, { ...job, state: "failed", error: String(err instanceof Error ? err.message : err).slice(0, 1000) }, now());
			}
			if (!saved) break;
			job = saved;
			Object.assign(seen, { state: job.state, slices: seen.slices + 1, done: job.done, total: job.total });
		} while (now() < deadline && (job.state === "queued" || job.state === "running"));
		if (now() >= deadline) break;
	}
	return progress;
}
