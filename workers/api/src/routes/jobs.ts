import { Hono } from "hono";
import { fieldErrors } from "#core/api-errors";
import { type JobList, type JobResponse, type JobView, newJobSchema } from "#core/api/jobs";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import { getJob, type JobRow, listJobs, startJob } from "#shared/stores/job-store";
import type { ApiContext } from "../api-env";
import { requireAdmin } from "../http/require-admin";

const iso = (ms: number) => new Date(ms).toISOString();

const view = (r: JobRow): JobView => ({
	id: r.id,
	kind: r.kind,
	state: r.state,
	params: JSON.parse(r.params) as Record<string, unknown>,
	done: r.done,
	total: r.total,
	error: r.error,
	created_at: iso(r.created_at),
	updated_at: iso(r.updated_at),
});

/** Backfills and other long jobs: started here, run by the detect worker's cron a slice per tick. */
export const jobRoutes = new Hono<ApiContext>()
	.get("/", async (c) => c.json({ data: (await listJobs(c.env.DB, c.get("projectId"))).map(view) } satisfies JobList))
	.post("/", requireAdmin, async (c) => {
		const parsed = newJobSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The job is not valid.", fieldErrors(parsed.error));
		const { job, created } = await startJob(c.env.DB, c.get("projectId"), parsed.data.kind, parsed.data.params);
		return c.json({ data: view(job) } satisfies JobResponse, created ? 201 : 200);
	})
	.get("/:id", async (c) => {
		const job = await getJob(c.env.DB, c.get("projectId"), c.req.param("id"));
		if (!job) throw new ApiError(404, "job_not_found", `No job \`${c.req.param("id")}\` in this project.`);
		return c.json({ data: view(job) } satisfies JobResponse);
	});
