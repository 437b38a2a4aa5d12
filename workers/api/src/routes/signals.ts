import { Hono } from "hono";
import type { z } from "zod";
import type { comparisonResponseSchema } from "#core/api/issues";
import type { signalCatalogSchema, signalRatesResponseSchema } from "#core/api/signals";
import type { ApiContext } from "../api-env";
import { compareSignal } from "../reads/comparisons";
import { dayWindow } from "../http/day-window";
import { signalCatalog, signalRates } from "../reads/signal-reads";

export const signalRoutes = new Hono<ApiContext>()
	.get("/", async (c) => c.json({ data: await signalCatalog(c.env.DB, c.get("projectId")) } satisfies z.infer<typeof signalCatalogSchema>))
	.get("/rates", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 30);
		const only = c.req.queries("signal") ?? [];
		return c.json({ data: await signalRates(c.env.DB, c.get("projectId"), fromDay, toDay, only) } satisfies z.infer<typeof signalRatesResponseSchema>);
	})
	.get("/:signal/compare", async (c) =>
		c.json({ data: await compareSignal(c, c.env.DB, c.get("projectId"), c.req.param("signal")) } satisfies z.infer<typeof comparisonResponseSchema>),
	);
