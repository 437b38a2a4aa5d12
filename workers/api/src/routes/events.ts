import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import type { EventPage, EventResponse, EventSearchResponse } from "#core/api/events";
import { parseEventFilter } from "#core/event-query";
import * as schema from "#db/schema";
import { ApiError } from "#shared/http/api-error";
import type { ApiContext } from "../api-env";
import { getEvent, listEvents, semanticSearchEvents } from "../reads/event-reads";
import { RemoteSentenceEncoder } from "../remote-sentence-encoder";

export const eventRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const { filter, errors } = parseEventFilter(new URL(c.req.url).searchParams);
		if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
		return c.json((await listEvents(drizzle(c.env.DB, { schema }), c.get("projectId"), filter)) satisfies EventPage);
	})
	/** `?q=` by meaning (the sentence encoder, over RPC to the detect worker), with the same filters as the list. */
	.get("/search", async (c) => {
		const { filter, errors } = parseEventFilter(new URL(c.req.url).searchParams);
		const q = c.req.query("q")?.trim();
		if (!q) errors.push({ field: "q", message: "is required: what to search for" });
		if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
		return c.json(
			(await semanticSearchEvents(
				drizzle(c.env.DB, { schema }),
				c.get("projectId"),
				filter,
				q!,
				new RemoteSentenceEncoder(c.env.SENTENCE_ENCODER),
			)) satisfies EventSearchResponse,
		);
	})
	.get("/:id", async (c) => {
		const id = c.req.param("id");
		const { event, pendingSignals } = await getEvent(drizzle(c.env.DB, { schema }), c.get("projectId"), id);
		if (!event) {
			const hint = pendingSignals.length ? ` ${pendingSignals.length} signal(s) wait for it; the event has not arrived.` : "";
			throw new ApiError(404, "event_not_found", `No event \`${id}\` in this project.${hint}`);
		}
		return c.json({ data: event } satisfies EventResponse);
	});
