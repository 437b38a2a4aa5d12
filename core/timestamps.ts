import { z } from "zod";
import { LIMITS } from "./limits";

const EARLIEST = Date.UTC(2000, 0, 1);

/**
 * Accepts an ISO 8601 string or epoch milliseconds and yields epoch milliseconds.
 * `now` is read per call, so a long-lived isolate never judges "future" against a stale clock.
 */
export const timestampSchema = z
	.union([z.string().max(64), z.number()])
	.transform((value, ctx) => {
		const ms = typeof value === "number" ? value : Date.parse(value);
		if (!Number.isFinite(ms)) {
			ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date-time or epoch milliseconds" });
			return z.NEVER;
		}
		if (ms < EARLIEST) {
			ctx.addIssue({ code: "custom", message: "must be after 2000-01-01 (epoch milliseconds, not seconds?)" });
			return z.NEVER;
		}
		if (ms > Date.now() + LIMITS.futureSkewMs) {
			ctx.addIssue({ code: "custom", message: "is more than 24 hours in the future" });
			return z.NEVER;
		}
		return Math.trunc(ms);
	});

/** Parses a query-string time bound (ISO or epoch ms); undefined when it is not one. */
export function parseTimeParam(value: string): number | undefined {
	const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
	return Number.isFinite(ms) ? ms : undefined;
}
