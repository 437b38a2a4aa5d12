import { createMiddleware } from "hono/factory";
import { errorResponse } from "#shared/http/api-error";

/** How long a client is asked to wait while the local backlog drains. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Backpressure for local development. miniflare's queue keeps every waiting message in the
 * process's memory (1.65 GB at 117k-180k waiting messages under sustained load), so with the local
 * journal on, ingest refuses new work with 503 and Retry-After once QUEUE_BACKLOG_LIMIT journal rows
 * wait, and takes it again as the consumer drains them. A refused request was never acknowledged:
 * the client retries it (the SDK and `barometer import` honour Retry-After). Cloudflare Queues hold
 * backlogs durably outside the worker, so production (no journal) never counts.
 */
export const limitQueueBacklog = createMiddleware<{ Bindings: { DB: D1Database; QUEUE_JOURNAL?: string; QUEUE_BACKLOG_LIMIT?: string } }>(async (c, next) => {
	const limit = Number(c.env.QUEUE_BACKLOG_LIMIT);
	if (c.env.QUEUE_JOURNAL === "d1" && limit > 0) {
		const waiting = (await c.env.DB.prepare("SELECT count(*) AS n FROM queued_payloads").first<number>("n")) ?? 0;
		if (waiting >= limit) {
			c.header("Retry-After", String(RETRY_AFTER_SECONDS));
			return errorResponse(
				c,
				503,
				"queue_backlog",
				`${waiting} messages are waiting to be stored (the local limit is ${limit}); retry in ${RETRY_AFTER_SECONDS} s.`,
			);
		}
	}
	await next();
});
