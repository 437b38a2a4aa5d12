import { and, count, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { EventSearchResponse } from "#core/api/events";
import type { Embedder } from "#core/embedding/embedder";
import { encodeRankCursor, type EventFilter } from "#core/event-query";
import type { EventVectorStore } from "#core/vector-index/event-vectors";
import * as schema from "#db/schema";
import { type EventRow, filterConditions } from "./event-list-query";
import { eventListItems } from "./event-reads";
import { textSearchQuery } from "./event-text-search";
import { eventsInRange } from "./events-in-range";

type Db = DrizzleD1Database<typeof schema>;
const { events } = schema;

/**
 * Events the vector store returns when a filter it cannot apply (user, conversation, event name, the
 * LLM's model, a property) leaves more than EXACT_RANKING_MAX events and narrows them in SQL afterwards:
 * an event outside the store's nearest this many is then not found. Vectorize caps a query at 100 parts.
 */
export const MEANING_CANDIDATES = 300;
/**
 * How deep search by meaning pages: the nearest this many events, ranked once per request and sliced by the
 * cursor's offset. Vectorize answers at most 100 matches a query (input and output parts), so the store's
 * ranking cannot go deeper; `ranked` in the answer says how many it held.
 */
export const MEANING_DEPTH = 100;
/** How deep each ranking goes before fusion, and RRF's k (60, as in Cormack et al. 2009). */
export const HYBRID_DEPTH = 100;
const RRF_K = 60;

export interface MeaningPorts {
	store: EventVectorStore;
	/** Embeds the query: the encoder that made the stored vectors. */
	encoder: Embedder;
}

const round = (score: number) => Math.round(score * 1000) / 1000;
const narrowsInSql = (f: EventFilter) => Boolean(f.userId || f.convoId || f.model || f.event || f.signal || f.intent || f.properties.length);

/** Filters that apply in SQL, not in the vector store (time is the store's; `q`'s words are text search's). */
const sqlFilter = (f: EventFilter): EventFilter => ({ ...f, from: undefined, to: undefined, match: undefined, cursor: undefined });

/** How many stored events pass the filters: every one with vectors was ranked. A time range alone is counted by day (events-in-range.ts). */
async function searchedCount(db: Db, projectId: string, filter: EventFilter): Promise<number> {
	if (!narrowsInSql(filter)) return eventsInRange(db, projectId, filter.from, filter.to);
	const [row] = await db
		.select({ n: count() })
		.from(events)
		.where(and(...filterConditions(projectId, { ...filter, match: undefined, cursor: undefined })));
	return row?.n ?? 0;
}

/**
 * A filter that leaves at most this many events (one user's, one conversation's) is ranked exactly: every one
 * of its events' vectors read (by id) and compared, so none is missed however far from the query it is.
 */
export const EXACT_RANKING_MAX = 1000;

const dot = (a: Float32Array, b: Float32Array) => {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
	return s;
};

/** Every event that passes the filters, ranked by its closest part; null when more than EXACT_RANKING_MAX pass. */
async function exactRanking(db: Db, ports: MeaningPorts, projectId: string, filter: EventFilter, vector: Float32Array, limit: number) {
	const rows = await db
		.select()
		.from(events)
		.where(and(...filterConditions(projectId, { ...filter, match: undefined, cursor: undefined })))
		.limit(EXACT_RANKING_MAX + 1);
	if (rows.length > EXACT_RANKING_MAX) return null;
	const vectors = await ports.store.get(
		projectId,
		rows.map((r) => r.eventId),
		ports.encoder.model,
	);
	return rows
		.flatMap((row) => {
			const v = vectors.get(row.eventId);
			const score = Math.max(v?.input ? dot(vector, v.input) : -1, v?.output ? dot(vector, v.output) : -1);
			return v && score > 0 ? [{ row, score }] : [];
		})
		.sort((a, b) => b.score - a.score || (a.row.eventId < b.row.eventId ? -1 : 1))
		.slice(0, limit);
}

/** The events nearest the query by meaning that pass every filter, best first, at most `limit`. */
async function meaningRanking(db: Db, ports: MeaningPorts, projectId: string, filter: EventFilter, query: string, limit: number) {
	const [vector] = await ports.encoder.embed([query]);
	const narrowed = narrowsInSql(filter);
	if (narrowed) {
		const exact = await exactRanking(db, ports, projectId, filter, vector!, limit);
		if (exact) return exact;
	}
	const matches = (
		await ports.store.search(projectId, vector!, { topK: narrowed ? MEANING_CANDIDATES : limit, from: filter.from, to: filter.to, model: ports.encoder.model })
	).filter((m) => m.score > 0);
	if (matches.length === 0) return [];
	const rows = await db
		.select()
		.from(events)
		.where(
			and(
				...filterConditions(projectId, sqlFilter(filter)),
				sql`${events.eventId} in (select value from json_each(${JSON.stringify(matches.map((m) => m.eventId))}))`,
			),
		);
	const byId = new Map(rows.map((r) => [r.eventId, r]));
	return matches.flatMap((m) => (byId.has(m.eventId) ? [{ row: byId.get(m.eventId)!, score: m.score }] : [])).slice(0, limit);
}

/** One page of a ranking held in memory: `offset` from the cursor, the next cursor while more remain. */
function rankedPage<T>(ranked: T[], offset: number, limit: number) {
	const end = offset + limit;
	return { page: ranked.slice(offset, end), next_cursor: end < ranked.length ? encodeRankCursor(end) : null, ranked: ranked.length };
}

/**
 * Events by meaning (GET /api/events/search, the default mode): the query's vector against every
 * stored event's input and output vectors (the event vector store; time range inside the store),
 * then the list's other filters in SQL on the candidates. Pages over the nearest MEANING_DEPTH.
 */
export async function meaningSearchEvents(
	db: Db,
	ports: MeaningPorts,
	projectId: string,
	filter: EventFilter,
	query: string,
	offset = 0,
): Promise<EventSearchResponse> {
	const [ranking, searched] = await Promise.all([meaningRanking(db, ports, projectId, filter, query, MEANING_DEPTH), searchedCount(db, projectId, filter)]);
	const { page, next_cursor, ranked } = rankedPage(ranking, offset, filter.limit);
	const items = await eventListItems(
		db,
		projectId,
		page.map((r) => r.row),
	);
	return {
		mode: "meaning",
		searched,
		ranked,
		data: items.map((item, i) => ({ ...item, score: round(page[i]!.score), found_by: ["meaning" as const] })),
		next_cursor,
	};
}

/**
 * Hybrid: the text ranking (FTS5, BM25) and the meaning ranking of the same `q`, each HYBRID_DEPTH deep,
 * fused by reciprocal rank (an event's score is the sum of 1/(60 + rank) over the rankings that found
 * it), each event once, paged over the fused list. A `q` with no words FTS5 can look for is ranked by meaning alone.
 */
export async function hybridSearchEvents(
	db: Db,
	ports: MeaningPorts,
	projectId: string,
	filter: EventFilter,
	query: string,
	offset = 0,
): Promise<EventSearchResponse> {
	const match = filter.match;
	const [byMeaning, byText, searched] = await Promise.all([
		meaningRanking(db, ports, projectId, filter, query, HYBRID_DEPTH),
		match ? textSearchQuery(db, projectId, { ...filter, match, limit: HYBRID_DEPTH - 1 }, 0) : Promise.resolve([]),
		searchedCount(db, projectId, filter),
	]);
	const fused = new Map<string, { row: EventRow; score: number; found_by: ("meaning" | "text")[] }>();
	const add = (row: EventRow, rank: number, by: "meaning" | "text") => {
		const seen = fused.get(row.eventId) ?? { row, score: 0, found_by: [] };
		seen.score += 1 / (RRF_K + rank + 1);
		seen.found_by.push(by);
		fused.set(row.eventId, seen);
	};
	byMeaning.forEach((r, i) => add(r.row, i, "meaning"));
	byText.forEach((r, i) => add(r, i, "text"));
	const ranking = [...fused.values()].sort((a, b) => b.score - a.score || (a.row.eventId < b.row.eventId ? -1 : 1));
	const { page, next_cursor, ranked } = rankedPage(ranking, offset, filter.limit);
	const items = await eventListItems(
		db,
		projectId,
		page.map((r) => r.row),
	);
	return {
		mode: "hybrid",
		searched,
		ranked,
		data: items.map((item, i) => ({ ...item, score: Math.round(page[i]!.score * 1e5) / 1e5, found_by: page[i]!.found_by })),
		next_cursor,
	};
}
