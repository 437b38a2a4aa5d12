import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import type { EventPage, EventResponse, EventSearchResponse } from "#core/api/events";
import { parseEventFilter, parseEventSearch } from "#core/event-query";
import * as schema from "#db/schema";
import { ApiError } from "#shared/http/api-error";
import type { ApiContext } from "../api-env";
import { eventVectorStore } from "#shared/adapters/event-vector-store";
import { eventBodyStore } from "#shared/adapters/event-body-store";
import { getEvent, listEvents } from "../reads/event-reads";
import { hybridSearchEvents, meaningSearchEvents } from "../reads/event-meaning-search";
import { textSearchEvents } from "../reads/event-text-search";
import { RemoteSentenceEncoder } from "../remote-sentence-encoder";

export const eventRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const { filter, errors } = parseEventFilter(new URL(c.req.url).searchParams);
		if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
		return c.json((await listEvents(drizzle(c.env.DB, { schema }), c.get("projectId"), filter)) satisfies EventPage);
	})
	/**
	 * `?q=` over every stored event, with the same filters as the list: by meaning (the default: the query
	 * embedded by the sentence encoder over RPC to the detect worker, ranked against every event's stored
	 * vectors), by its words with `mode=text` (FTS5, BM25), or both fused with `mode=hybrid`.
	 */
	.get("/search", async (c) => {
		const { search, errors } = parseEventSearch(new URL(c.req.url).searchParams);
		if (!search) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
		const db = drizzle(c.env.DB, { schema });
		const projectId = c.get("projectId");
		const ports = () => ({ store: eventVectorStore(c.env), encoder: new RemoteSentenceEncoder(c.env.SENTENCE_ENCODER) });
		const result =
			search.mode === "text"
				? await textSearchEvents(db, projectId, search.filter, search.offset)
				: search.mode === "hybrid"
					? await hybridSearchEvents(db, ports(), projectId, search.filter, search.query, search.offset)
					: await meaningSearchEvents(db, ports(), projectId, search.filter, search.query, search.offset);
		return c.json(result satisfies EventSearchResponse);
	})
	.get("/:id", async (c) => {
		const id = c.req.param("id");
		const { event, pendingSignals } = await getEvent(drizzle(c.env.DB, { schema }), eventBodyStore(c.env), c.get("projectId"), id);
		if (!event) {
			const hint = pendingSignals.length ? ` ${pendingSignals.length} signal(s) wait for it; the event has not arrived.` : "";
			throw new ApiError(404, "event_not_found", `No event \`${id}\` in this project.${hint}`);
		}
		return c.json({ data: event } satisfies EventResponse);
	});
