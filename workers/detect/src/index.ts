import { consumeBatch, issuePorts } from "./consume-batch";
import { maintainIssues } from "./issue-maintenance";

/**
 * Bindings are the generated DetectEnv (worker-configuration.d.ts); consumeBatch needs a subset.
 * The worker has no public route: `fetch` is reached only through a service binding (the local
 * dev gateway's /__cron, since crons do not fire under wrangler dev).
 */
const handler: ExportedHandler<DetectEnv> = {
	async fetch(request, env) {
		const { pathname } = new URL(request.url);
		if (request.method === "POST" && pathname === "/internal/maintain-issues") {
			return Response.json(await maintainIssues(issuePorts(env)));
		}
		return new Response("barometer detect: queue consumer, no HTTP routes", { status: 404 });
	},
	async queue(batch, env) {
		await consumeBatch(batch, env);
	},
	async scheduled(_controller, env, ctx) {
		ctx.waitUntil(maintainIssues(issuePorts(env)).then((r) => console.log("issue maintenance", r)));
	},
};

export default handler;
