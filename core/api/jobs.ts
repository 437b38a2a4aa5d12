import { z } from "zod";
import { JOB_KINDS, JOB_STATES } from "../jobs";
import { dataOf, isoTime } from "./envelope";

/** POST /api/jobs: start a job of a kind for the project (admin). */
export const newJobSchema = z.object({
	kind: z
		.enum(["event_vectors"])
		.describe(
			"What to run: `event_vectors` embeds the stored events that have no vectors yet (search by meaning). A deep search's backfill starts when it is saved.",
		),
	params: z.record(z.string(), z.unknown()).default({}).describe("The kind's own parameters"),
});
export type NewJob = z.infer<typeof newJobSchema>;

export const jobViewSchema = z.object({
	id: z.string(),
	kind: z.enum(JOB_KINDS),
	state: z.enum(JOB_STATES).describe("queued, then running a slice per cron tick, then done (or failed, with `error`)"),
	params: z.record(z.string(), z.unknown()),
	done: z.number().int().describe("Items handled so far"),
	total: z.number().int().nullable().describe("Items to handle, once known"),
	error: z.string().nullable(),
	created_at: isoTime,
	updated_at: isoTime,
});
export type JobView = z.infer<typeof jobViewSchema>;

/** GET /api/jobs: the project's jobs, newest first. */
export const jobListSchema = z.object({ data: z.array(jobViewSchema) });
export type JobList = z.infer<typeof jobListSchema>;

/** GET /api/jobs/:id, POST /api/jobs (201 when started, 200 when one of that kind was already queued or running). */
export const jobResponseSchema = dataOf(jobViewSchema);
export type JobResponse = z.infer<typeof jobResponseSchema>;
