import { and, getTableColumns, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { EventSearchResponse } from "#core/api/events";
import { encodeRankCursor, type EventFilter } from "#core/event-query";
import * as schema from "#db/schema";
import { type EventRow, eventListItems, filterConditions } from "./event-reads";

type Db = DrizzleD1Database<typeof schema>;
const { events } = schema;

/** events' columns qualified by the table: events_fts has an input and an output column too. */
const qualifiedEventColumns = Object.fromEntries(
	Object.entries(getTableColumns(events)).map(([key, column]) => [key, sql`${events}.${sql.identifier(column.name)}`.mapWith(column)]),
) as { [K in keyof EventRow]: ReturnType<typeof sql<EventRow[K]>> };

/**
 * The ranked page: the full-text index (migration 0020) finds the matches and their bm25 (lower is better) in a
 * subquery, where FTS5 allows its auxiliary function (not beside a window function); CROSS JOIN keeps it the outer
 * loop, each match reading its event by rowid, where the filters apply; event_id breaks ties so pages do not
 * overlap. `count(*) over ()` counts the matches that pass the filters, before LIMIT.
 */
export const textSearchQuery = (db: Db, projectId: string, filter: EventFilter & { match: string }, offset: number) =>
	db
		.select({ ...qualifiedEventColumns, bm25: sql<number>`m.bm25`, matched: sql<number>`count(*) over ()` })
		.from(
			sql`(select rowid as id, bm25(events_fts) as bm25 from events_fts where events_fts match ${filter.match}) m CROSS JOIN ${events} ON ${events}.rowid = m.id`,
		)
		.where(and(...filterConditions(projectId, { ...filter, match: undefined, cursor: undefined })))
		.orderBy(sql`m.bm25`, sql`${events}.event_id`)
		.limit(filter.limit + 1)
		.offset(offset);

/** Events by their words (GET /api/events/search?mode=text): every stored event of the project, ranked by BM25. */
export async function textSearchEvents(db: Db, projectId: string, filter: EventFilter & { match: string }, offset: number): Promise<EventSearchResponse> {
	const rows = await textSearchQuery(db, projectId, filter, offset);
	const page = rows.slice(0, filter.limit);
	const items = await eventListItems(db, projectId, page);
	return {
		mode: "text",
		// bm25() is lower for a better match; the API's score is higher for a better one, as by meaning.
		data: items.map((item, i) => ({ ...item, score: Math.round(-page[i]!.bm25 * 1000) / 1000, found_by: ["text" as const] })),
		searched: rows[0]?.matched ?? 0,
		ranked: null,
		next_cursor: rows.length > filter.limit ? encodeRankCursor(offset + filter.limit) : null,
	};
}
