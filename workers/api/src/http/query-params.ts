import type { Context } from "hono";
import { ApiError } from "#shared/http/api-error";

/**
 * An integer query parameter within [min, max], or `fallback` when absent. Anything else
 * (negative, fractional, NaN, huge, empty) is a 400 naming the parameter, never a silent clamp.
 */
export function intQuery(c: Context, name: string, opts: { min: number; max: number; fallback: number }): number {
	const raw = c.req.query(name);
	if (raw === undefined) return opts.fallback;
	const n = /^-?\d{1,16}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
	if (!Number.isSafeInteger(n) || n < opts.min || n > opts.max) {
		throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", [
			{ field: name, message: `must be an integer from ${opts.min} to ${opts.max}` },
		]);
	}
	return n;
}
