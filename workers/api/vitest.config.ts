import { resolve } from "node:path";
import { detectConsumer, workerProject } from "../../test/worker-project.ts";

// The detect worker runs beside the api: search by meaning embeds with its sentence encoder over
// RPC. Tests also run the detect worker's code here to seed events, so they get its model files too.
// TEST_READ_RATE_LIMITER (and TEST_ASK_RATE_LIMITER, test/ask.test.ts) is miniflare's rate limiting binding with a small limit and the production
// period, swapped in by test/rate-limits.test.ts; the wrangler.toml limiters keep the production
// numbers for every other test.
export default workerProject("api", {
	workers: [detectConsumer],
	assets: { directory: resolve("models/use-lite"), binding: "USE_LITE_ASSETS", routerConfig: { invoke_user_worker_ahead_of_assets: true } },
	ratelimits: {
		TEST_READ_RATE_LIMITER: { namespace_id: "9201", simple: { limit: 3, period: 10 } },
		TEST_ASK_RATE_LIMITER: { namespace_id: "9202", simple: { limit: 2, period: 60 } },
	},
});
