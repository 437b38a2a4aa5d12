import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RATE_LIMITS } from "#core/limits";
import { authed, seedProject } from "../../shared/test/seed-project";
import worker from "../src";

const URL_EVENTS = "https://api.test/api/events";
/** Miniflare's rate limiting binding with a limit of 3 per 10 s (workers/api/vitest.config.ts). */
const TEST_READ_LIMIT = 3;
const testEnv = env as typeof env & { TEST_READ_RATE_LIMITER: RateLimit };

/**
 * Miniflare's limiter counts in windows aligned to the clock (floor(now / period)), so a burst that
 * straddles a boundary is counted in two windows; start it in a fresh window when this one is nearly over.
 */
async function startInsideAWindow(periodSeconds: number, marginMs: number) {
	const left = periodSeconds * 1000 - (Date.now() % (periodSeconds * 1000));
	if (left < marginMs) await new Promise((r) => setTimeout(r, left + 100));
}

/** The api app itself, with the small test limiter in place of the production-sized one. */
async function readWithTestLimit(key: string) {
	const ctx = createExecutionContext();
	const res = await worker.fetch(new Request(URL_EVENTS, authed(key)), { ...env, READ_RATE_LIMITER: testEnv.TEST_READ_RATE_LIMITER }, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

const randomIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
const fromIp = (ip: string, key: string) => SELF.fetch(URL_EVENTS, authed(key, undefined, { headers: { "cf-connecting-ip": ip } }));

describe("reads per key", () => {
	it("refuses a key's reads over its limit with 429, Retry-After and the usual error body, and keeps serving another key", async () => {
		const [busy, other] = [await seedProject(), await seedProject()];
		await startInsideAWindow(RATE_LIMITS.reads.periodSeconds, 3000);
		for (let i = 0; i < TEST_READ_LIMIT; i++) expect((await readWithTestLimit(busy.readKey)).status).toBe(200);
		const refused = await readWithTestLimit(busy.readKey);
		expect(refused.status).toBe(429);
		expect(refused.headers.get("retry-after")).toBe(String(RATE_LIMITS.reads.periodSeconds));
		expect(await refused.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringContaining("retry in 10 s") } });
		expect((await readWithTestLimit(other.readKey)).status).toBe(200);
	});
});

describe("failed authentication per client IP (the production binding: 20 per 60 s)", () => {
	it("answers 401 to a source's first 20 unknown keys, then 429 with Retry-After, even to a valid key, while another IP is served", async () => {
		const project = await seedProject();
		const [noisy, quiet] = [randomIp(), randomIp()];
		await startInsideAWindow(RATE_LIMITS.failedAuth.periodSeconds, 5000);
		for (let i = 0; i < RATE_LIMITS.failedAuth.limit; i++) expect((await fromIp(noisy, `bm_read_unknown${i}`)).status).toBe(401);
		const refused = await fromIp(noisy, "bm_read_unknown_again");
		expect(refused.status).toBe(429);
		expect(refused.headers.get("retry-after")).toBe(String(RATE_LIMITS.failedAuth.periodSeconds));
		expect(await refused.json()).toMatchObject({ error: { code: "too_many_failed_auth" } });
		expect((await fromIp(noisy, project.readKey)).status).toBe(429);

		expect((await fromIp(quiet, "bm_read_unknown")).status).toBe(401);
		expect((await fromIp(quiet, project.readKey)).status).toBe(200);
	});
});
