import { and, desc, eq, getTableColumns, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { alias, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { propertyValueCandidates, type EventFilter } from "#core/event-query";
import { DAY_MS } from "#core/timestamps";
import * as schema from "#db/schema";

// An event filter as SQL: its conditions (shared by the list and both searches), and the event list's page
// query with the index each filter reads.

type Db = DrizzleD1Database<typeof schema>;
export type EventRow = typeof schema.events.$inferSelect;
const { events } = schema;

/** events, or an alias of it (drizzle types an alias by its own name). */
type EventsTable = SQLiteTable & Record<"projectId" | "timestamp" | "userId" | "convoId" | "model" | "event" | "properties" | "eventId", SQLiteColumn>;

/**
 * The filter's conditions on `t` (events, or an alias of it inside a subquery). A signal or intent names its
 * events' rowids; q finds them through the text index.
 */
export function filterConditions(projectId: string, f: EventFilter, t: EventsTable = events): SQL[] {
	const where: SQL[] = [eq(t.projectId, projectId)];
	if (f.from !== undefined) where.push(gte(t.timestamp, f.from));
	if (f.to !== undefined) where.push(lt(t.timestamp, f.to));
	if (f.userId) where.push(eq(t.userId, f.userId));
	if (f.convoId) where.push(eq(t.convoId, f.convoId));
	if (f.model) where.push(eq(t.model, f.model));
	if (f.event) where.push(eq(t.event, f.event));
	for (const { key, value } of f.properties) {
		const candidates = propertyValueCandidates(value);
		where.push(
			sql`json_extract(${t.properties}, ${`$."${key}"`}) in (${sql.join(
				candidates.map((v) => sql`${v}`),
				sql`, `,
			)})`,
		);
	}
	// Signal and intent filters find their events' rowids once, from the signal's or intent's own rows (as `q` does
	// through the text index), so a rare signal's page reads its events, not the window's.
	if (f.signal) {
		const window = [f.from !== undefined ? sql` and d.timestamp >= ${f.from}` : sql``, f.to !== undefined ? sql` and d.timestamp < ${f.to}` : sql``];
		where.push(
			sql`${t}.rowid in (select e2.rowid from detections d join events e2 on e2.project_id = d.project_id and e2.event_id = d.event_id
				where d.project_id = ${projectId} and d.signal = ${f.signal}${window[0]}${window[1]}
				union select e3.rowid from signals s join events e3 on e3.project_id = s.project_id and e3.event_id = s.event_id
				where s.project_id = ${projectId} and s.signal = ${f.signal})`,
		);
	}
	if (f.intent) {
		where.push(
			sql`${t}.rowid in (select e4.rowid from event_intents ei join events e4 on e4.project_id = ei.project_id and e4.event_id = ei.event_id
				where ei.intent_id = ${f.intent} and ei.project_id = ${projectId})`,
		);
	}
	if (f.match) {
		// The full-text index (migration 0020) finds the matching events' rowids once; the list keeps its time order.
		where.push(sql`${t}.rowid in (select rowid from events_fts where events_fts match ${f.match})`);
	}
	if (f.cursor) {
		const c = f.cursor;
		// The plain `<=` bounds the index range; the OR alone would be checked row by row.
		where.push(lte(t.timestamp, c.timestamp), or(lt(t.timestamp, c.timestamp), and(eq(t.timestamp, c.timestamp), lt(t.eventId, c.eventId)))!);
	}
	return where;
}

/**
 * The index a filter by conversation, user or model seeks. Left to itself, workerd's SQLite walks
 * events_project_time_idx, which gives the order without a sort, and reads every event of the window
 * to find a rare user's few; the named index reads only that value's events, newest first, and sorts
 * just the ties of one timestamp by event_id.
 */
function eventListIndex(filter: Pick<EventFilter, "convoId" | "userId" | "model" | "signal" | "intent">): string | undefined {
	if (filter.convoId) return "events_project_convo_time_idx";
	if (filter.userId) return "events_project_user_time_idx";
	if (filter.model) return "events_project_model_time_idx";
	// A signal or intent names its events' rowids (filterConditions): look those up and sort them, rather than
	// walk the window's events in order checking each (SQLite still looks up rowids under NOT INDEXED).
	if (filter.signal || filter.intent) return NOT_INDEXED;
	return undefined;
}

const NOT_INDEXED = "NOT INDEXED";

/**
 * Every column of events by its name, read back as drizzle reads the column: drizzle refuses the table's
 * own columns over a `sql` source such as `events INDEXED BY …`.
 */
const eventColumnsByName = Object.fromEntries(
	Object.entries(getTableColumns(events)).map(([key, column]) => [key, sql`${sql.identifier(column.name)}`.mapWith(column)]),
) as {
	[K in keyof EventRow]: SQL<EventRow[K]>;
};

/**
 * The rowids of a page of one signal's or one intent's events, newest first, without reading all of them:
 * the signal's detections (or the intent's rows) walk their index newest first, each joined to its event
 * and checked against the rest of the filter, and stop at limit + 1. A common signal's page reads about a
 * page of rows where the plain filter read and sorted every one of its events (issue 20: 235 ms at 1M
 * events). Explicit feedback under the signal's name walks its events' time the same way (signals.event_timestamp,
 * migration 0027); an event with the same feedback twice is one row of the page.
 */
function pageOfNamedEvents(projectId: string, f: EventFilter): SQL {
	const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
	if (f.signal) {
		const rest = { ...f, signal: undefined };
		const ed = alias(events, "ed");
		const es = alias(events, "es");
		// The window and the cursor as a range of the walked index's time (the event's time in both tables).
		const range = (column: string) =>
			sql.join([
				f.from !== undefined ? sql` and ${sql.raw(column)} >= ${f.from}` : sql``,
				f.to !== undefined ? sql` and ${sql.raw(column)} < ${f.to}` : sql``,
				f.cursor ? sql` and ${sql.raw(column)} <= ${f.cursor.timestamp}` : sql``,
			]);
		return sql`${events}.rowid in (select rowid from (select ${ed}.rowid from detections d INDEXED BY detections_project_signal_time_idx CROSS JOIN ${events} ${ed} on ${ed}.project_id = d.project_id and ${ed}.event_id = d.event_id
				where d.project_id = ${projectId} and d.signal = ${f.signal}${range("d.timestamp")} and ${and(...filterConditions(projectId, rest, ed))}
				order by d.timestamp desc, d.event_id desc limit ${f.limit + 1})
			union select rowid from (select distinct ${es}.rowid, s.event_timestamp, s.event_id from signals s INDEXED BY signals_project_signal_event_time_idx
				CROSS JOIN ${events} ${es} on ${es}.project_id = s.project_id and ${es}.event_id = s.event_id
				where s.project_id = ${projectId} and s.signal = ${f.signal}${range("s.event_timestamp")} and ${and(...filterConditions(projectId, rest, es))}
				order by s.event_timestamp desc, s.event_id desc limit ${f.limit + 1}))`;
	}
	const rest = { ...f, intent: undefined };
	const ev = alias(events, "ev");
	const last = f.cursor?.timestamp ?? (f.to !== undefined ? f.to - 1 : undefined);
	const range = [f.from !== undefined ? sql` and ei.day >= ${dayOf(f.from)}` : sql``, last !== undefined ? sql` and ei.day <= ${dayOf(last)}` : sql``];
	return sql`${events}.rowid in (select ${ev}.rowid from event_intents ei INDEXED BY event_intents_intent_idx CROSS JOIN ${events} ${ev} on ${ev}.project_id = ei.project_id and ${ev}.event_id = ei.event_id
			where ei.intent_id = ${f.intent} and ei.project_id = ${projectId}${range[0]}${range[1]} and ${and(...filterConditions(projectId, rest, ev))}
			order by ei.day desc, ei.timestamp desc, ei.event_id desc limit ${f.limit + 1})`;
}

/**
 * Whether a signal or intent filter reads a page of its own rows (pageOfNamedEvents), which repeats the rest of
 * the filter inside: with property filters (up to 80 bound parameters) that could pass D1's 100, so those keep
 * the plain form, which reads all of the signal's events.
 */
const readsNamedPage = (filter: EventFilter) => Boolean(filter.signal || filter.intent) && filter.properties.length === 0;

function pageConditions(projectId: string, filter: EventFilter): SQL[] {
	if (readsNamedPage(filter)) return [eq(events.projectId, projectId), pageOfNamedEvents(projectId, filter)];
	return filterConditions(projectId, filter);
}

/** The event list's page query, newest first (tests read its SQL to check the plan). */
export const eventListQuery = (db: Db, projectId: string, filter: EventFilter) => {
	// The named page's rowids are the whole of the outer query's work: look them up, whichever other filter is set.
	const index = readsNamedPage(filter) ? NOT_INDEXED : eventListIndex(filter);
	return db
		.select(eventColumnsByName)
		.from(index === NOT_INDEXED ? sql`${events} NOT INDEXED` : index ? sql`${events} INDEXED BY ${sql.identifier(index)}` : events)
		.where(and(...pageConditions(projectId, filter)))
		.orderBy(desc(events.timestamp), desc(events.eventId))
		.limit(filter.limit + 1);
};
