import { and, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { EventSearchResponse } from "#core/api/events";
import { encodeRankCursor, type EventFilter } from "#core/event-query";
import * as schema from "#db/schema";
import { type EventRow, filterConditions } from "./event-list-query";
import { eventListItems } from "./event-reads";

type Db = DrizzleD1Database<typeof schema>;
const { events } = schema;

/** events' columns qualified by the table: events_fts has an input and an output column too. */
const qualifiedEventColumns = Object.fromEntries(
	Object.entries(getTableColumns(events)).map(([key, column]) => [key, sql`${events}.${sql.identifier(column.name)}`.mapWith(column)]),
) as { [K in keyof EventRow]: ReturnType<typeof sql<EventRow[K]>> };

/**
 * How many matches text search ranks: a project's newest matches that pass the filters, up to this many.
 * FTS5 scores every match it is handed, so a word in every event made one search rank all of them (1,962 ms
 * at 1M events, issue 20); past this depth the page says the matches stored last, this many, were ranked (stored order: an import of old history counts as new).
 */
export const TEXT_RANK_DEPTH = 10_000;

/**
 * The newest matches that pass the filters, one past TEXT_RANK_DEPTH (so a full ranking is told from a cut one):
 * the full-text index (migration 0020) hands its matches newest stored first (rowid descending: FTS5 walks its
 * postings backwards, no sort) with their bm25 (lower is better; computed in this subquery, where FTS5 allows its
 * auxiliary function), each reads its event by rowid where the filters apply, and the walk stops at the depth.
 * The ORDER BY sits beside the LIMIT: SQLite drops an ORDER BY from a joined subquery without one.
 * `conditions` are on `events`.
 */
export const newestMatches = (match: string, conditions: SQL | undefined) =>
	sql`SELECT m0.id AS id, m0.bm25 AS bm25, ${events}.event_id AS event_id
		FROM (SELECT rowid AS id, bm25(events_fts) AS bm25 FROM events_fts WHERE events_fts MATCH ${match}) m0
		CROSS JOIN ${events} ON ${events}.rowid = m0.id WHERE ${conditions ?? sql`1`} ORDER BY m0.id DESC LIMIT ${TEXT_RANK_DEPTH + 1}`;

/**
 * The ranked page: of the TEXT_RANK_DEPTH matches stored last (the one past it only counted, in `matched`), the page
 * by bm25 with event_id breaking ties (pages do not overlap); only the page's rows are read whole, by rowid.
 */
export const textSearchQuery = (db: Db, projectId: string, filter: EventFilter & { match: string }, offset: number) =>
	db
		.select({ ...qualifiedEventColumns, bm25: sql<number>`p.bm25`, matched: sql<number>`p.matched` })
		.from(
			sql`(SELECT id, bm25, event_id, matched FROM (SELECT id, bm25, event_id, row_number() OVER (ORDER BY id DESC) AS n, count(*) OVER () AS matched
				FROM (${newestMatches(filter.match, and(...filterConditions(projectId, { ...filter, match: undefined, cursor: undefined })))}))
				WHERE n <= ${TEXT_RANK_DEPTH} ORDER BY bm25, event_id LIMIT ${filter.limit + 1} OFFSET ${offset}) p CROSS JOIN ${events} ON ${events}.rowid = p.id`,
		)
		.orderBy(sql`p.bm25`, sql`p.event_id`);

/** Events by their words (GET /api/events/search?mode=text): the project's matches (the TEXT_RANK_DEPTH stored last), ranked by BM25. */
export async function textSearchEvents(db: Db, projectId: string, filter: EventFilter & { match: string }, offset: number): Promise<EventSearchResponse> {
	const rows = await textSearchQuery(db, projectId, filter, offset);
	const matched = rows[0]?.matched ?? 0;
	const page = rows.slice(0, filter.limit);
	const items = await eventListItems(db, projectId, page);
	return {
		mode: "text",
		// bm25() is lower for a better match; the API's score is higher for a better one, as by meaning.
		data: items.map((item, i) => ({ ...item, score: Math.round(-page[i]!.bm25 * 1000) / 1000, found_by: ["text" as const] })),
		// More matches than the depth: the newest that many were ranked, and the pages end there.
		searched: Math.min(matched, TEXT_RANK_DEPTH),
		ranked: matched > TEXT_RANK_DEPTH ? TEXT_RANK_DEPTH : null,
		next_cursor: rows.length > filter.limit ? encodeRankCursor(offset + filter.limit) : null,
	};
}
