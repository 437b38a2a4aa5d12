import type { Context } from "hono";
import type { FieldError } from "../../../core/api-errors";
import { parseTimeParam } from "../../../core/timestamps";
import { ApiError } from "../../shared/src/api-error";

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

/** `from` / `to` query parameters as UTC day numbers; by default the last `defaultDays` days. */
export function dayWindow(c: Context, defaultDays: number): { fromDay: number; toDay: number } {
	const errors: FieldError[] = [];
	const day = (name: "from" | "to", fallback: number) => {
		const raw = c.req.query(name);
		if (raw === undefined) return fallback;
		const ms = parseTimeParam(raw);
		if (ms === undefined) errors.push({ field: name, message: "must be a date (2026-11-01), an ISO date-time or epoch milliseconds" });
		return Math.floor((ms ?? 0) / DAY_MS);
	};
	const toDay = day("to", Math.floor(Date.now() / DAY_MS));
	const fromDay = day("from", toDay - (defaultDays - 1));
	if (!errors.length && fromDay > toDay) errors.push({ field: "from", message: "must not be after `to`" });
	if (!errors.length && toDay - fromDay + 1 > MAX_DAYS) errors.push({ field: "from", message: `the window may span at most ${MAX_DAYS} days` });
	if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
	return { fromDay, toDay };
}
