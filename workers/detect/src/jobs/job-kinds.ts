import type { JobKind } from "#core/jobs";
import type { JobRow } from "#shared/stores/job-store";
import type { DetectBindings } from "../ingest-batch/consume-batch";
import { deepSearchBackfill } from "./deep-search-backfill";
import { eventVectorBackfill } from "./event-vector-backfill";

/** What one slice of a job did: where the next starts, how many items it handled in all. */
export interface JobSlice {
	/** Opaque to the runner: the handler's own position. */
	cursor: string | null;
	/** Items handled so far, this slice included. */
	done: number;
	total: number | null;
	finished: boolean;
}

/**
 * One bounded step of a job (well under a cron run's time: the runner calls it again while its
 * budget lasts), resumable from `job.cursor`. It must be idempotent: an interrupted slice is redone.
 */
export type JobHandler = (env: DetectBindings, job: JobRow) => Promise<JobSlice>;

/** Every kind's handler, in one place; the compiler asks for one per kind of core/jobs.ts. */
export const JOB_HANDLERS = {
	event_vectors: eventVectorBackfill,
	deep_search: deepSearchBackfill,
} satisfies Record<JobKind, JobHandler>;
