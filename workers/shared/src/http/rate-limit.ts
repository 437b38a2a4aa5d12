import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { RATE_LIMITS } from "#core/limits";
import { errorResponse } from "./api-error";

/**
 * Request limits on Cloudflare's rate limiting binding
 * (https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/). Miniflare implements the
 * same binding (a window per key in a local Durable Object), so `npm start` and the tests run this code
 * against a real limiter, not a stand-in; there is no second implementation to keep honest.
 *
 * The binding answers yes or no: no count, no reset time. A refused client is told to retry after the
 * whole period, when the window has certainly rolled over. Cloudflare counts per location and
 * approximately, so a limit is a brake on a runaway client, not an exact quota.
 */
interface RateLimitRule {
	limit: number;
	periodSeconds: number;
}

function tooManyRequests(c: Context, code: string, message: string, retryAfterSeconds: number) {
	c.header("Retry-After", String(retryAfterSeconds));
	return errorResponse(c, 429, code, message);
}

/** Limits requests per API key. Runs after `requireKey`, which sets `keyId`. */
export function limitPerKey<Binding extends string>(binding: Binding, rule: RateLimitRule) {
	return createMiddleware<{ Bindings: Record<Binding, RateLimit>; Variables: { keyId: string } }>(async (c, next) => {
		const refused = await overKeyLimit(c, c.env[binding], rule);
		if (refused) return refused;
		await next();
	});
}

/** The 429 answer when this request takes the key over `rule` on `limiter`, else null (the request counts). */
export async function overKeyLimit(c: Context, limiter: RateLimit, rule: RateLimitRule, what = "requests"): Promise<Response | null> {
	const { success } = await limiter.limit({ key: c.get("keyId") as string });
	if (success) return null;
	const message = `This key sent more than ${rule.limit} ${what} in ${rule.periodSeconds} s; retry in ${rule.periodSeconds} s.`;
	return tooManyRequests(c, "rate_limited", message, rule.periodSeconds);
}

/**
 * Failed authentication is counted per client IP. Cloudflare sets the header on every request, and so
 * does miniflare under `npm start` (the dev gateway passes it on); only a test calling the worker
 * directly has none, and then all such callers are one source.
 */
export function requestSource(request: Request): string {
	return request.headers.get("cf-connecting-ip") ?? "no-client-ip";
}

/**
 * Sources over the failed-authentication limit, until when (ms). The binding cannot be asked without
 * counting, and counting every request would spend a source's small budget on its valid ones; so only
 * failures are counted, and the isolate that sees a source go over refuses it for the rest of the period
 * before any key lookup, even with a valid key, as Cloudflare's own rules block a source. Other isolates
 * learn it at that source's next failure, which the binding already refuses; until then they let a
 * valid key from it in (README, "Rate limits").
 */
const refusedSources = new Map<string, number>();
const REFUSED_SOURCES_KEPT = 10_000;

/** The seconds a source must still wait, or null if it may try to authenticate. */
export function failedAuthWait(source: string): number | null {
	const until = refusedSources.get(source);
	if (until === undefined) return null;
	const left = until - Date.now();
	if (left > 0) return Math.ceil(left / 1000);
	refusedSources.delete(source);
	return null;
}

/** Counts one failed authentication; answers the seconds to wait once the source is over the limit. */
export async function countFailedAuth(limiter: RateLimit, source: string): Promise<number | null> {
	const { success } = await limiter.limit({ key: source });
	if (success) return null;
	if (refusedSources.size >= REFUSED_SOURCES_KEPT) refusedSources.clear();
	refusedSources.set(source, Date.now() + RATE_LIMITS.failedAuth.periodSeconds * 1000);
	return RATE_LIMITS.failedAuth.periodSeconds;
}

export function tooManyFailedAuth(c: Context, retryAfterSeconds: number) {
	const { limit, periodSeconds } = RATE_LIMITS.failedAuth;
	const message = `More than ${limit} failed authentications from this address in ${periodSeconds} s; retry in ${retryAfterSeconds} s.`;
	return tooManyRequests(c, "too_many_failed_auth", message, retryAfterSeconds);
}
