import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import type { EventPage, EventResponse, EventSearchResponse } from "#core/api/events";
import { parseEventFilter, parseEventSearch } from "#core/event-query";
import * as schema from "#db/schema";
import { ApiError } from "#shared/http/api-error";
import type { ApiContext } from "../api-env";
import { getEvent, listEvents, semanticSearchEvents } from "../reads/event-reads";
import { textSearchEvents } from "../reads/event-text-search";
import { RemoteSentenceEncoder } from "../remote-sentence-encoder";

export const eventRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const { filter, errors } = parseEventFilter(new URL(c.req.url).searchParams);
		if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
		return c.json((await listEvents(drizzle(c.env.DB, { schema }), c.get("projectId"), filter)) satisfies EventPage);
	})
	/**
	 * `?q=` by meaning (the sentence encoder, over RPC to the detect worker; the default) or, with `mode=text`, by
	 * its words over every stored event (FTS5, ranked by BM25), with the same filters as the list.
	 */
	.get("/search", async (c) => {
		const { search, errors } = parseEventSearch(new URL(c.req.url).searchParams);
		if (!search) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
		const db = drizzle(c.env.DB, { schema });
		const projectId = c.get("projectId");
		const result =
			search.mode === "text"
				? await textSearchEvents(db, projectId, search.filter, search.offset)
				: await semanticSearchEvents(db, projectId, search.filter, search.query, new RemoteSentenceEncoder(c.env.SENTENCE_ENCODER));
		return c.json(result satisfies EventSearchResponse);
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
