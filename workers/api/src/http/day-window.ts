import type { Context } from "hono";
import type { FieldError } from "#core/api-errors";
import { DAY_MS, MAX_DATE_MS, parseTimeQuery } from "#core/timestamps";
import { ApiError } from "#shared/http/api-error";

const MAX_DAYS = 366;
/** The earliest UTC day whose midnight is a valid Date. */
const MIN_DAY = -MAX_DATE_MS / DAY_MS;

/** `from` / `to` query parameters as UTC day numbers; by default the last `defaultDays` days. */
export function dayWindow(c: Context, defaultDays: number): { fromDay: number; toDay: number } {
	const errors: FieldError[] = [];
	const day = (name: "from" | "to", fallback: number) => {
		const raw = c.req.query(name);
		if (raw === undefined) return fallback;
		const parsed = parseTimeQuery(raw);
		if ("problem" in parsed) {
			errors.push({ field: name, message: parsed.problem });
			return fallback;
		}
		return Math.floor(parsed.ms / DAY_MS);
	};
	const toDay = day("to", Math.floor(Date.now() / DAY_MS));
	// A default window that would start before the first representable day starts there instead.
	const fromDay = day("from", Math.max(MIN_DAY, toDay - (defaultDays - 1)));
	if (!errors.length && fromDay > toDay) errors.push({ field: "from", message: "must not be after `to`" });
	if (!errors.length && toDay - fromDay + 1 > MAX_DAYS) errors.push({ field: "from", message: `the window may span at most ${MAX_DAYS} days` });
	if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
	return { fromDay, toDay };
}
