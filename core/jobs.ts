/**
 * Kinds of long-running job (a backfill per project, run a bounded slice per cron tick by the
 * detect worker). Adding one: its name here, its handler in workers/detect/src/jobs/job-kinds.ts
 * (a `satisfies Record<JobKind, …>` the compiler holds complete).
 */
export const JOB_KINDS = ["event_vectors", "deep_search"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATES = ["queued", "running", "done", "failed"] as const;
export type JobState = (typeof JOB_STATES)[number];
