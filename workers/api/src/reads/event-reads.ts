import { and, asc, eq, gt, or, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { encodeCursor, type EventFilter } from "#core/event-query";
import type { ConversationView, DetectionView, EventDetail, EventListItem, EventPage, EventView, SignalView, ToolCallView } from "#core/api/events";
import * as schema from "#db/schema";
import type { EventBodyStore } from "#shared/adapters/event-body-store";
import { type EventRow, eventListQuery } from "./event-list-query";

type Db = DrizzleD1Database<typeof schema>;
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
		texts_truncated: row.bodyRef !== null,
		properties: JSON.parse(row.properties) as EventView["properties"],
		attachments: row.attachments ? (JSON.parse(row.attachments) as unknown[]) : [],
		tool_call_count: row.toolCallCount,
	};
}

/**
 * Rows with their whole texts from R2 where D1 holds only the first characters (core/event-bodies.ts):
 * what a person reads on an event or a conversation. Texts not found (their object deleted by
 * retention while the row waits for its round) leave the row as stored, still marked truncated.
 */
async function withWholeTexts<T extends { bodyRef: string | null; input: string | null; output: string | null; attachments?: string | null }>(
	bodies: EventBodyStore,
	rows: T[],
): Promise<T[]> {
	const refs = rows.flatMap((r) => (r.bodyRef ? [r.bodyRef] : []));
	if (refs.length === 0) return rows;
	const found = await bodies.get(refs);
	return rows.map((r) => {
		const body = r.bodyRef ? found.get(r.bodyRef) : undefined;
		if (!body) return r;
		return { ...r, input: body.input, output: body.output, ...(body.attachments ? { attachments: JSON.stringify(body.attachments) } : {}), bodyRef: null };
	});
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
	return {
		index: row.idx,
		name: row.name,
		input: row.input,
		output: row.output,
		truncated: row.bodyRef !== null,
		error: row.error,
		duration_ms: row.durationMs,
	};
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

/** Each event's tool calls in the order they ran, by event id; with `bodies`, long payloads whole from R2. */
export const toolCallsByEvent = async (db: Db, projectId: string, ids: string[], bodies?: EventBodyStore) => {
	const rows = await db
		.select()
		.from(toolCalls)
		.where(ofEvents(toolCalls, projectId, ids))
		.orderBy(asc(toolCalls.eventId), asc(toolCalls.idx));
	return groupByEvent(Promise.resolve(bodies ? await withWholeTexts(bodies, rows) : rows), toolCallView);
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

export async function getEvent(
	db: Db,
	bodies: EventBodyStore,
	projectId: string,
	eventId: string,
): Promise<{ event: EventDetail | null; pendingSignals: SignalView[] }> {
	const [row] = await withWholeTexts(
		bodies,
		await db
			.select()
			.from(events)
			.where(and(eq(events.projectId, projectId), eq(events.eventId, eventId)))
			.limit(1),
	);
	// Signals can exist before their event lands; they are returned either way.
	const [bySignal, byTool, byDetection, byIntent] = await Promise.all([
		signalsByEvent(db, projectId, [eventId]),
		toolCallsByEvent(db, projectId, [eventId], bodies),
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
	bodies: EventBodyStore,
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
	// Last seen (the conversation's and its user's) is the newest stored event: one seek on each index, not a
	// time kept on their rows, which would be rewritten by every event (migration 0034).
	const [rows, [count], [user], [userLast]] = await Promise.all([
		db
			.select()
			.from(events)
			.where(and(...where))
			.orderBy(asc(events.timestamp), asc(events.eventId))
			.limit(opts.limit + 1),
		db
			.select({ n: sql<number>`count(*)`, last: sql<number | null>`max(${events.timestamp})` })
			.from(events)
			.where(and(eq(events.projectId, projectId), eq(events.convoId, convoId))),
		db
			.select()
			.from(schema.users)
			.where(and(eq(schema.users.projectId, projectId), eq(schema.users.userId, convo.userId)))
			.limit(1),
		db
			.select({ last: sql<number | null>`max(${events.timestamp})` })
			.from(events)
			.where(and(eq(events.projectId, projectId), eq(events.userId, convo.userId))),
	]);
	const page = await withWholeTexts(bodies, rows.slice(0, opts.limit));
	const ids = page.map((r) => r.eventId);
	const [bySignal, byTool, byDetection, byIntent] = await Promise.all([
		signalsByEvent(db, projectId, ids),
		toolCallsByEvent(db, projectId, ids, bodies),
		detectionsByEvent(db, projectId, ids),
		intentsByEvent(db, projectId, ids),
	]);
	const last = page.at(-1);
	return {
		convo_id: convo.convoId,
		user_id: convo.userId,
		first_seen: iso(convo.firstSeen),
		last_seen: iso(count?.last ?? convo.firstSeen),
		event_count: count?.n ?? 0,
		user: user
			? {
					user_id: user.userId,
					traits: JSON.parse(user.traits) as Record<string, unknown>,
					first_seen: iso(user.firstSeen),
					last_seen: iso(userLast?.last ?? null),
				}
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
