import { and, asc, desc, eq, getTableColumns, gt, gte, lt, lte, or, sql, type SQL } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { alias, type SQLiteColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { encodeCursor, propertyValueCandidates, type EventFilter } from "#core/event-query";
import type { ConversationView, DetectionView, EventDetail, EventListItem, EventPage, EventView, SignalView, ToolCallView } from "#core/api/events";
import { DAY_MS } from "#core/timestamps";
import * as schema from "#db/schema";

type Db = DrizzleD1Database<typeof schema>;
export type EventRow = typeof schema.events.$inferSelect;
const { events, signals, toolCalls } = schema;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The public shape of an event: the names a client sent, times as ISO 8601. */
function eventView(row: EventRow): EventView {
	return {
		event_id: row.eventId,
		timestamp: iso(row.timestamp),
		received_at: iso(row.receivedAt),
		user_id: row.userId,
		convo_id: row.convoId,
		event: row.event,
		model: row.model,
		input: row.input,
		output: row.output,
		properties: JSON.parse(row.properties) as EventView["properties"],
		attachments: row.attachments ? (JSON.parse(row.attachments) as unknown[]) : [],
		tool_call_count: row.toolCallCount,
	};
}

function signalView(row: typeof signals.$inferSelect): SignalView {
	return {
		signal_id: row.signalId,
		event_id: row.eventId,
		signal: row.signal,
		timestamp: iso(row.timestamp),
		user_id: row.userId,
		comment: row.comment,
		properties: JSON.parse(row.properties) as Record<string, unknown>,
	};
}

function toolCallView(row: typeof toolCalls.$inferSelect): ToolCallView {
	return { index: row.idx, name: row.name, input: row.input, output: row.output, error: row.error, duration_ms: row.durationMs };
}

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

function detectionView(row: typeof schema.detections.$inferSelect): DetectionView {
	return {
		signal: row.signal,
		score: row.score,
		stage: row.stage,
		evidence: row.evidenceField ? { field: row.evidenceField, start: row.evidenceStart ?? 0, end: row.evidenceEnd ?? 0, text: row.evidenceText ?? "" } : null,
		reason: row.reason,
	};
}

/** Rows of many events in one query, grouped by event; ids go in as one JSON parameter (D1 allows 100 bound parameters). */
async function groupByEvent<T extends { eventId: string }, V>(rows: Promise<T[]>, view: (row: T) => V): Promise<Map<string, V[]>> {
	const out = new Map<string, V[]>();
	for (const row of await rows) {
		const list = out.get(row.eventId) ?? [];
		list.push(view(row));
		out.set(row.eventId, list);
	}
	return out;
}

const ofEvents = (table: typeof signals | typeof toolCalls | typeof schema.detections, projectId: string, eventIds: string[]) =>
	and(eq(table.projectId, projectId), sql`${table.eventId} in (select value from json_each(${JSON.stringify(eventIds)}))`);

const intentsByEvent = (db: Db, projectId: string, ids: string[]) =>
	groupByEvent(
		db
			.select({ eventId: schema.eventIntents.eventId, id: schema.intents.id, name: schema.intents.name })
			.from(schema.eventIntents)
			.innerJoin(schema.intents, eq(schema.intents.id, schema.eventIntents.intentId))
			.where(and(eq(schema.eventIntents.projectId, projectId), sql`${schema.eventIntents.eventId} in (select value from json_each(${JSON.stringify(ids)}))`)),
		(r) => ({ id: r.id, name: r.name }),
	);

/**
 * Detections of a page of events, by their primary key (project, event, signal), then ordered by
 * signal here: an ORDER BY signal in SQL made the planner walk the project's (project, signal,
 * time) index instead, every detection of the project (0.9 s at 1M events).
 */
export const detectionsOfEvents = (db: Db, projectId: string, ids: string[]) =>
	db
		.select()
		.from(schema.detections)
		.where(ofEvents(schema.detections, projectId, ids));
const detectionsByEvent = async (db: Db, projectId: string, ids: string[]) => {
	const rows = await detectionsOfEvents(db, projectId, ids);
	return groupByEvent(Promise.resolve(rows.sort((a, b) => (a.signal < b.signal ? -1 : a.signal > b.signal ? 1 : 0))), detectionView);
};

const signalsByEvent = (db: Db, projectId: string, ids: string[]) =>
	groupByEvent(
		db
			.select()
			.from(signals)
			.where(ofEvents(signals, projectId, ids))
			.orderBy(asc(signals.timestamp)),
		signalView,
	);

/** Each event's tool calls in the order they ran, by event id. */
export const toolCallsByEvent = (db: Db, projectId: string, ids: string[]) =>
	groupByEvent(
		db
			.select()
			.from(toolCalls)
			.where(ofEvents(toolCalls, projectId, ids))
			.orderBy(asc(toolCalls.eventId), asc(toolCalls.idx)),
		toolCallView,
	);

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
 * The page's conditions. A signal or an intent filter reads a page of its own rows (pageOfNamedEvents), which
 * repeats the rest of the filter inside: with property filters (up to 80 bound parameters) that could pass
 * D1's 100, so those keep the plain form, which reads all of the signal's events.
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

/** Rows of events as the list shows them, in their order: with their signals, detections and intent. */
export async function eventListItems(db: Db, projectId: string, rows: EventRow[]): Promise<EventListItem[]> {
	const ids = rows.map((r) => r.eventId);
	const [bySignal, byDetection, byIntent] = await Promise.all([
		signalsByEvent(db, projectId, ids),
		detectionsByEvent(db, projectId, ids),
		intentsByEvent(db, projectId, ids),
	]);
	return rows.map((row) => ({
		...eventView(row),
		signals: bySignal.get(row.eventId) ?? [],
		detections: byDetection.get(row.eventId) ?? [],
		intent: byIntent.get(row.eventId)?.[0] ?? null,
	}));
}

export async function listEvents(db: Db, projectId: string, filter: EventFilter): Promise<EventPage> {
	const rows = await eventListQuery(db, projectId, filter);
	const page = rows.slice(0, filter.limit);
	const last = page.at(-1);
	return {
		data: await eventListItems(db, projectId, page),
		next_cursor: rows.length > filter.limit && last ? encodeCursor({ timestamp: last.timestamp, eventId: last.eventId }) : null,
	};
}

export async function getEvent(db: Db, projectId: string, eventId: string): Promise<{ event: EventDetail | null; pendingSignals: SignalView[] }> {
	const [row] = await db
		.select()
		.from(events)
		.where(and(eq(events.projectId, projectId), eq(events.eventId, eventId)))
		.limit(1);
	// Signals can exist before their event lands; they are returned either way.
	const [bySignal, byTool, byDetection, byIntent] = await Promise.all([
		signalsByEvent(db, projectId, [eventId]),
		toolCallsByEvent(db, projectId, [eventId]),
		detectionsByEvent(db, projectId, [eventId]),
		intentsByEvent(db, projectId, [eventId]),
	]);
	if (!row) return { event: null, pendingSignals: bySignal.get(eventId) ?? [] };
	return {
		event: {
			...eventView(row),
			signals: bySignal.get(eventId) ?? [],
			detections: byDetection.get(eventId) ?? [],
			intent: byIntent.get(eventId)?.[0] ?? null,
			tool_calls: byTool.get(eventId) ?? [],
		},
		pendingSignals: [],
	};
}

export const CONVERSATION_PAGE = { defaultLimit: 200, maxLimit: 500 } as const;

/** A conversation's turns in order (timestamp, then event_id), paged forward with `after`. */
export async function getConversation(
	db: Db,
	projectId: string,
	convoId: string,
	opts: { limit: number; after?: { timestamp: number; eventId: string } },
): Promise<ConversationView | null> {
	const [convo] = await db
		.select()
		.from(schema.conversations)
		.where(and(eq(schema.conversations.projectId, projectId), eq(schema.conversations.convoId, convoId)))
		.limit(1);
	if (!convo) return null;
	const where = [eq(events.projectId, projectId), eq(events.convoId, convoId)];
	if (opts.after) {
		const a = opts.after;
		where.push(or(gt(events.timestamp, a.timestamp), and(eq(events.timestamp, a.timestamp), gt(events.eventId, a.eventId)))!);
	}
	const [rows, [count], [user]] = await Promise.all([
		db
			.select()
			.from(events)
			.where(and(...where))
			.orderBy(asc(events.timestamp), asc(events.eventId))
			.limit(opts.limit + 1),
		db
			.select({ n: sql<number>`count(*)` })
			.from(events)
			.where(and(eq(events.projectId, projectId), eq(events.convoId, convoId))),
		db
			.select()
			.from(schema.users)
			.where(and(eq(schema.users.projectId, projectId), eq(schema.users.userId, convo.userId)))
			.limit(1),
	]);
	const page = rows.slice(0, opts.limit);
	const ids = page.map((r) => r.eventId);
	const [bySignal, byTool, byDetection, byIntent] = await Promise.all([
		signalsByEvent(db, projectId, ids),
		toolCallsByEvent(db, projectId, ids),
		detectionsByEvent(db, projectId, ids),
		intentsByEvent(db, projectId, ids),
	]);
	const last = page.at(-1);
	return {
		convo_id: convo.convoId,
		user_id: convo.userId,
		first_seen: iso(convo.firstSeen),
		last_seen: iso(convo.lastSeen),
		event_count: count?.n ?? 0,
		user: user
			? { user_id: user.userId, traits: JSON.parse(user.traits) as Record<string, unknown>, first_seen: iso(user.firstSeen), last_seen: iso(user.lastSeen) }
			: null,
		events: page.map((row) => ({
			...eventView(row),
			signals: bySignal.get(row.eventId) ?? [],
			detections: byDetection.get(row.eventId) ?? [],
			intent: byIntent.get(row.eventId)?.[0] ?? null,
			tool_calls: byTool.get(row.eventId) ?? [],
		})),
		next_cursor: rows.length > opts.limit && last ? encodeCursor({ timestamp: last.timestamp, eventId: last.eventId }) : null,
	};
}
