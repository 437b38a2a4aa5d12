import { Hono } from "hono";
import { parseTimeParam } from "../../../../core/timestamps";
import { ApiError } from "../../../shared/src/api-error";
import type { ApiContext } from "../api-env";
import { signalCatalog, signalRates } from "../signal-reads";

const DAY_MS = 86_400_000;
const MAX_DAYS = 366;

export const signalRoutes = new Hono<ApiContext>()
	.get("/", async (c) => c.json({ data: await signalCatalog(c.env.DB, c.get("projectId")) }))
	.get("/rates", async (c) => {
		const errors: { field: string; message: string }[] = [];
		const day = (name: "from" | "to", fallback: number) => {
			const raw = c.req.query(name);
			if (raw === undefined) return fallback;
			const ms = parseTimeParam(raw);
			if (ms === undefined) errors.push({ field: name, message: "must be a date (2026-11-01), an ISO date-time or epoch milliseconds" });
			return Math.floor((ms ?? 0) / DAY_MS);
		};
		const today = Math.floor(Date.now() / DAY_MS);
		const to = day("to", today);
		const from = day("from", to - 29);
		if (!errors.length && from > to) errors.push({ field: "from", message: "must not be after `to`" });
		if (!errors.length && to - from + 1 > MAX_DAYS) errors.push({ field: "from", message: `the window may span at most ${MAX_DAYS} days` });
		if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
		const only = c.req.queries("signal") ?? [];
		return c.json({ data: await signalRates(c.env.DB, c.get("projectId"), from, to, only) });
	});
