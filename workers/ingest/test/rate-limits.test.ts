import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RATE_LIMITS } from "#core/limits";
import { authed, seedProject, seedRevokedKey } from "../../shared/test/seed-project";
import worker from "../src";

const URL_EVENTS = "https://ingest.test/v1/events";
/** Miniflare's rate limiting binding with a limit of 3 per 10 s (workers/ingest/vitest.config.ts). */
const TEST_WRITE_LIMIT = 3;
const testEnv = env as typeof env & { TEST_WRITE_RATE_LIMITER: RateLimit };

const event = (id: string) => ({ event_id: id, user_id: "user_1", input: "Hi", output: "Hello" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Miniflare's limiter counts in windows aligned to the clock (floor(now / period)), so a burst that
 * straddles a boundary is counted in two windows; start it in a fresh window when this one is nearly over.
 */
async function startInsideAWindow(periodSeconds: number, marginMs: number) {
	const left = periodSeconds * 1000 - (Date.now() % (periodSeconds * 1000));
	if (left < marginMs) await sleep(left + 100);
}

/** A queue that records what is sent through it, then sends it on to the real local queue. */
function recordingQueue(queue: Queue) {
	const sent: unknown[] = [];
	const recorder: Queue = {
		metrics: () => queue.metrics(),
		send: (message, options) => (sent.push(message), queue.send(message, options)),
		sendBatch: (messages, options) => (sent.push(...messages), queue.sendBatch(messages, options)),
	};
	return { sent, recorder };
}

/** The ingest app itself, with the small test limiter in place of the production-sized one. */
async function writeWithTestLimit(key: string, body: unknown, queue: Queue = env.EVENTS_QUEUE) {
	const ctx = createExecutionContext();
	const bindings = { ...env, WRITE_RATE_LIMITER: testEnv.TEST_WRITE_RATE_LIMITER, EVENTS_QUEUE: queue };
	const res = await worker.fetch(new Request(URL_EVENTS, authed(key, body)), bindings, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

const randomIp = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

function fromIp(ip: string, key: string | undefined, body: unknown = { events: [event(crypto.randomUUID())] }) {
	const init = key === undefined ? { method: "POST", body: JSON.stringify(body) } : authed(key, body);
	return SELF.fetch(URL_EVENTS, { ...init, headers: { ...(init.headers as Record<string, string>), "cf-connecting-ip": ip } });
}

describe("writes per key", () => {
	it("refuses a key's writes over its limit with 429, Retry-After and the usual error body, and enqueues nothing from the refused request", async () => {
		const project = await seedProject();
		await startInsideAWindow(RATE_LIMITS.writes.periodSeconds, 3000);
		const { sent, recorder } = recordingQueue(env.EVENTS_QUEUE);
		for (let i = 0; i < TEST_WRITE_LIMIT; i++) expect((await writeWithTestLimit(project.writeKey, { events: [event(`ok_${i}`)] }, recorder)).status).toBe(202);
		const sentBefore = sent.length;
		expect(sentBefore).toBeGreaterThan(0);

		const refused = await writeWithTestLimit(project.writeKey, { events: [event("refused")] }, recorder);
		expect(refused.status).toBe(429);
		expect(refused.headers.get("retry-after")).toBe(String(RATE_LIMITS.writes.periodSeconds));
		expect(await refused.json()).toMatchObject({ error: { code: "rate_limited", message: expect.stringContaining("retry in 10 s") } });
		expect(sent.length).toBe(sentBefore);
	});

	it("keeps accepting another key's writes while one key is refused", async () => {
		const [busy, other] = [await seedProject(), await seedProject()];
		await startInsideAWindow(RATE_LIMITS.writes.periodSeconds, 3000);
		for (let i = 0; i <= TEST_WRITE_LIMIT; i++) await writeWithTestLimit(busy.writeKey, { events: [event(`busy_${i}`)] });
		expect((await writeWithTestLimit(busy.writeKey, { events: [event("busy_more")] })).status).toBe(429);
		expect((await writeWithTestLimit(other.writeKey, { events: [event("other")] })).status).toBe(202);
	});

	it("accepts the key's writes again once the Retry-After period has passed", async () => {
		const project = await seedProject();
		await startInsideAWindow(RATE_LIMITS.writes.periodSeconds, 3000);
		for (let i = 0; i < TEST_WRITE_LIMIT; i++) await writeWithTestLimit(project.writeKey, { events: [event(`r_${i}`)] });
		const refused = await writeWithTestLimit(project.writeKey, { events: [event("r_refused")] });
		expect(refused.status).toBe(429);
		// The window rolls over within Retry-After seconds; wait only until it does (at most 10 s).
		const untilNextWindow = RATE_LIMITS.writes.periodSeconds * 1000 - (Date.now() % (RATE_LIMITS.writes.periodSeconds * 1000));
		expect(untilNextWindow).toBeLessThanOrEqual(Number(refused.headers.get("retry-after")) * 1000);
		await sleep(untilNextWindow + 100);
		expect((await writeWithTestLimit(project.writeKey, { events: [event("r_after")] })).status).toBe(202);
	}, 20_000);

	it("lets browser apps read Retry-After (CORS exposes it)", async () => {
		const project = await seedProject();
		const res = await SELF.fetch(URL_EVENTS, authed(project.writeKey, { events: [event("cors")] }, { headers: { origin: "https://app.example" } }));
		expect(res.status).toBe(202);
		expect(res.headers.get("access-control-expose-headers")).toContain("Retry-After");
	});
});

describe("failed authentication per client IP (the production binding: 20 per 60 s)", () => {
	it("answers 401 to a source's first 20 failures of any kind, then 429 with Retry-After, even to a valid key", async () => {
		const project = await seedProject();
		const revoked = await seedRevokedKey(project.projectId, "write");
		const ip = randomIp();
		await startInsideAWindow(RATE_LIMITS.failedAuth.periodSeconds, 5000);
		const failures = [undefined, "not-a-bearer-header", "bm_write_unknown0000000000000000000", revoked];
		for (let i = 0; i < RATE_LIMITS.failedAuth.limit; i++) {
			const key = failures[i % failures.length];
			const res =
				key === "not-a-bearer-header"
					? await SELF.fetch(URL_EVENTS, { method: "POST", headers: { authorization: key, "cf-connecting-ip": ip }, body: "{}" })
					: await fromIp(ip, key);
			expect(res.status).toBe(401);
		}
		const refused = await fromIp(ip, "bm_write_unknown0000000000000000000");
		expect(refused.status).toBe(429);
		expect(refused.headers.get("retry-after")).toBe(String(RATE_LIMITS.failedAuth.periodSeconds));
		expect(await refused.json()).toMatchObject({ error: { code: "too_many_failed_auth" } });

		// The source is refused for the period before its key is looked up, whatever key it sends.
		const withValidKey = await fromIp(ip, project.writeKey);
		expect(withValidKey.status).toBe(429);
		expect(Number(withValidKey.headers.get("retry-after"))).toBeGreaterThan(0);
		expect(Number(withValidKey.headers.get("retry-after"))).toBeLessThanOrEqual(RATE_LIMITS.failedAuth.periodSeconds);
	});

	it("keeps answering another IP normally while one is refused", async () => {
		const project = await seedProject();
		const [noisy, quiet] = [randomIp(), randomIp()];
		await startInsideAWindow(RATE_LIMITS.failedAuth.periodSeconds, 5000);
		for (let i = 0; i <= RATE_LIMITS.failedAuth.limit; i++) await fromIp(noisy, "bm_write_unknown0000000000000000000");
		expect((await fromIp(noisy, "bm_write_unknown0000000000000000000")).status).toBe(429);
		expect((await fromIp(quiet, "bm_write_unknown0000000000000000000")).status).toBe(401);
		expect((await fromIp(quiet, project.writeKey)).status).toBe(202);
	});

	it("does not count a valid key of the wrong kind as a failed authentication", async () => {
		const project = await seedProject();
		const ip = randomIp();
		for (let i = 0; i <= RATE_LIMITS.failedAuth.limit; i++) expect((await fromIp(ip, project.readKey)).status).toBe(403);
		expect((await fromIp(ip, project.writeKey)).status).toBe(202);
	});
});
