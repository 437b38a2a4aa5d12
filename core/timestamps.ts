import { z } from "zod";
import { LIMITS } from "./limits";

const EARLIEST = Date.UTC(2000, 0, 1);

/**
 * Accepts an ISO 8601 string or epoch milliseconds and yields epoch milliseconds.
 * `now` is read per call, so a long-lived isolate never judges "future" against a stale clock.
 * More than 24 hours ahead is refused (a unit or clock bug); more than a minute ahead is the time
 * received (LIMITS.clockDriftMs). Ingest parses each item once and queues the result, so a redelivery
 * carries the same time.
 */
export const timestampSchema = z.union([z.string().max(64), z.number()]).transform((value, ctx) => {
	const ms = typeof value === "number" ? value : Date.parse(value);
	if (!Number.isFinite(ms)) {
		ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date-time or epoch milliseconds" });
		return z.NEVER;
	}
	if (ms < EARLIEST) {
		ctx.addIssue({ code: "custom", message: "must be after 2000-01-01 (epoch milliseconds, not seconds?)" });
		return z.NEVER;
	}
	const now = Date.now();
	if (ms > now + LIMITS.futureSkewMs) {
		ctx.addIssue({ code: "custom", message: "is more than 24 hours in the future" });
		return z.NEVER;
	}
	return ms > now + LIMITS.clockDriftMs ? now : Math.trunc(ms);
});

/** JavaScript's Date range: ±8.64e15 ms (100,000,000 days) either side of 1970-01-01. */
export const MAX_DATE_MS = 8.64e15;

/** One UTC day in milliseconds: day numbers are `Math.floor(ms / DAY_MS)`. */
export const DAY_MS = 86_400_000;
const TIME_PARAM_MAX_CHARS = 64;
const TIME_PARAM_FORMAT = "must be a date (2026-11-01), an ISO 8601 date-time or epoch milliseconds";

/**
 * The one parser of query-string time bounds (`from`, `to`, `a_from`, … on every read route):
 * an ISO date / date-time or epoch milliseconds, inside JavaScript's Date range. Anything else is
 * a problem to report as a 400 naming the parameter, never a value that fails later.
 */
export function parseTimeQuery(value: string): { ms: number } | { problem: string } {
	if (value.length > TIME_PARAM_MAX_CHARS) return { problem: `${TIME_PARAM_FORMAT} (at most ${TIME_PARAM_MAX_CHARS} characters)` };
	const trimmed = value.trim();
	const ms = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
	if (trimmed === "" || Number.isNaN(ms)) return { problem: TIME_PARAM_FORMAT };
	if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
		return { problem: "is outside the representable date range (years -271821 to 275760; epoch milliseconds within ±8640000000000000)" };
	}
	return { ms: Math.trunc(ms) };
}

/** Parses a query-string time bound (ISO or epoch ms); undefined when it is not one or is out of range. */
export function parseTimeParam(value: string): number | undefined {
	const parsed = parseTimeQuery(value);
	return "ms" in parsed ? parsed.ms : undefined;
}
