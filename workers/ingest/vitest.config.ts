import { detectConsumer, workerProject } from "../../test/worker-project.ts";

// Ingest runs with the detect consumer beside it, so a test can follow an event from
// POST /v1/events through the real local queue into D1. TEST_WRITE_RATE_LIMITER is miniflare's
// rate limiting binding with a small limit and the production period, swapped in by
// test/rate-limits.test.ts; the wrangler.toml limiters keep the production numbers for every other test.
// BODIES is the detect consumer's bucket (events' long texts), bound here only so tests can read it.
export default workerProject("ingest", {
	workers: [detectConsumer],
	r2Buckets: { BODIES: "barometer-bodies" },
	ratelimits: { TEST_WRITE_RATE_LIMITER: { namespace_id: "9101", simple: { limit: 3, period: 10 } } },
});
