import { dashboardUrl } from "#shared/alerts/alert-delivery";
import { evaluateAlerts } from "./alerts/alert-evaluation";
import { backfillAggregates } from "./maintenance/aggregate-backfill";
import { consumeBatch, issuePorts } from "./ingest-batch/consume-batch";
import { countD1 } from "./d1-counters";
import { maintainIssues } from "./issues/issue-maintenance";
import { resendJournal } from "./ingest-batch/queue-journal";
import { summarizeIssues, WorkersAiSummarizer } from "./issues/issue-summaries";
import { purgeExpiredData } from "./maintenance/retention";
import { finalizeStalePendingEvents } from "./maintenance/pending-event-timeout";
import { settleStaleTraces } from "./maintenance/otel-trace-timeout";
import { settleLinks } from "./ingest-batch/event-links";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "#db/schema";
import { JOB_BUDGET_MS, runJobs } from "./jobs/job-runner";

/** Retention and issue maintenance run on this cron; alerts on every cron (each minute in production). */
const MAINTENANCE_CRON = "*/5 * * * *";

/** JOB_BUDGET_MS (tests, benches) overrides the wall time a cron run gives jobs. */
const jobBudget = (env: DetectEnv) => Number((env as { JOB_BUDGET_MS?: string }).JOB_BUDGET_MS ?? JOB_BUDGET_MS);

/**
 * Bindings are the generated DetectEnv (worker-configuration.d.ts); consumeBatch needs a subset.
 * The worker has no public route: `fetch` is reached only through a service binding (the local
 * dev gateway's /__cron, since crons do not fire under wrangler dev).
 */
const handler: ExportedHandler<DetectEnv> = {
	async fetch(request, env) {
		const { pathname } = new URL(request.url);
		if (request.method === "POST" && pathname === "/internal/maintain-issues") {
			return Response.json(await maintainIssues(await issuePorts(env)));
		}
		// npm start, once the workers are up: whatever the last run acknowledged and never stored is queued again.
		if (request.method === "POST" && pathname === "/internal/recover-queue") {
			return Response.json(await resendJournal(env, Date.now(), 0));
		}
		// bench/retention-rate.ts: one maintenance run's retention alone, timed from outside.
		if (request.method === "POST" && pathname === "/internal/retention") {
			return Response.json(await purgeExpiredData(await issuePorts(env)));
		}
		if (request.method === "POST" && pathname === "/internal/cron") {
			const journal = await resendJournal(env, Date.now());
			const pendingEvents = await finalizeStalePendingEvents(env, Date.now());
			const traces = await settleStaleTraces(env, Date.now());
			const links = await settleLinks(env, drizzle(env.DB, { schema }), Date.now());
			const ports = await issuePorts(env);
			const retention = await purgeExpiredData(ports);
			const backfill = await backfillAggregates(env.DB);
			const issues = await maintainIssues(ports);
			// The dev gateway says where the dashboard is served locally, for links in alerts.
			const local = dashboardUrl(env, request.headers.get("x-dashboard-url"));
			const alerts = await evaluateAlerts({ ...env, DASHBOARD_URL: local }, Date.now());
			return Response.json({
				journal,
				pendingEvents,
				traces,
				links,
				retention,
				backfill,
				issues,
				alerts,
				jobs: await runJobs(env, { budgetMs: jobBudget(env) }),
			});
		}
		return new Response("barometer detect: queue consumer, no HTTP routes", { status: 404 });
	},
	async queue(batch, env) {
		// bench/drain-scale.ts sets D1_COUNTERS=log to read D1's rows read and written per batch.
		if ((env as { D1_COUNTERS?: string }).D1_COUNTERS !== "log") return consumeBatch(batch, env);
		const counts = countD1(env.DB);
		const start = Date.now();
		await consumeBatch(batch, env);
		// Wall time of the batch: workerd's clock moves at each I/O, so this includes the CPU between them.
		const batchMs = Date.now() - start;
		console.log(`d1-counters ${JSON.stringify({ queue: batch.queue, messages: batch.messages.length, batchMs, ...counts() })}`);
	},
	async scheduled(controller, env, ctx) {
		ctx.waitUntil(
			(async () => {
				const journal = await resendJournal(env, controller.scheduledTime);
				if (journal.resent || journal.unreadable) console.log("queue journal", journal);
				// Events sent in parts whose last part never came: stored as merged so far, every tick.
				const pending = await finalizeStalePendingEvents(env, controller.scheduledTime);
				if (pending.finalized || pending.deadLetters) console.log("pending events", pending);
				// OpenTelemetry traces whose turn span never came: settled with what arrived.
				const traces = await settleStaleTraces(env, controller.scheduledTime);
				if (traces.events) console.log("settled traces", traces);
				// Tool calls from spans whose app event was stored meanwhile, or never came.
				const links = await settleLinks(env, drizzle(env.DB, { schema }), controller.scheduledTime);
				if (links.added || links.stored) console.log("event links", links);
				// State changes made by maintenance (escalating, ongoing) are alerted in the same run.
				if (controller.cron === MAINTENANCE_CRON) {
					const ports = await issuePorts(env);
					// Expired data goes first, so maintenance does not regroup what is about to be deleted.
					console.log("retention", await purgeExpiredData(ports, controller.scheduledTime));
					// Aggregates for events stored before they existed (migration 0016): a bounded step per run.
					const backfill = (await backfillAggregates(env.DB, controller.scheduledTime)).filter((b) => b.read > 0);
					if (backfill.length) console.log("aggregate backfill", backfill);
					console.log("issue maintenance", await maintainIssues(ports));
					// Production only (there is no AI binding locally): Workers AI names issues from their examples.
					if (env.AI && (env.ISSUE_SUMMARIES as string | undefined) !== "off")
						console.log("issues named", await summarizeIssues(env.DB, new WorkersAiSummarizer(env.AI)));
				}
				console.log("alerts", await evaluateAlerts(env, controller.scheduledTime));
				// Backfills (GET /api/jobs): a bounded slice of each queued or running job, every tick, after alerts.
				const jobs = await runJobs(env, { budgetMs: jobBudget(env) });
				if (jobs.length) console.log("jobs", jobs);
			})(),
		);
	},
};

export default handler;

// Named entrypoints (service bindings with `entrypoint = …`) must be exported from the main module.
export { SentenceEncoderEntrypoint } from "./ai/sentence-encoder-entrypoint";
