import { and, eq, inArray, sql } from "drizzle-orm";
import { LIMITS } from "#core/limits";
import type { EventMessage, PayloadRef, QueueMessage } from "#core/queue-messages";
import * as schema from "#db/schema";
import { enqueue, enqueueOptions } from "#shared/queue/enqueue";
import { storedToolText } from "#core/event-bodies";
import { type EventBodyEnv, type EventBodyStore, eventBodyStore } from "#shared/adapters/event-body-store";
import { sealToolCalls } from "./event-body-writes";
import { type Db, toolCallWrite, type Write } from "./message-writes";

/**
 * Tool calls from spans that name an app's own event (event_links in db/schema): added to that event,
 * whichever arrives first. The spans' event only lends its tool calls (and its input, output and model
 * when the app's event has none); the app's own event is what is stored.
 */

/** Spans' events that wait this long for their app event are stored as events of their own. */
export const LINK_TIMEOUT_MS = 10 * 60_000;

type ToolCall = EventMessage["event"]["tool_calls"][number];

interface StoredEvent {
	event_id: string;
	user_id: string;
	convo_id: string | null;
	timestamp: number;
	/** The event's tool calls so far: name, input, error (to know a retried export's calls) and the last position. */
	calls: string;
	last_idx: number | null;
}

/** A call as D1 keeps it (the first characters of its input): a retried export's call matches the stored one. */
const callKey = (c: { name: string; input?: string | null; error?: string | null }) => JSON.stringify([c.name, storedToolText(c.input), c.error ?? null]);

/**
 * Tool calls added to a stored event after its own, leaving out those it has already (a retried export).
 * Long payloads are sealed in R2 first, one object for the calls added here.
 */
async function appendToolCalls(db: Db, bodies: EventBodyStore, projectId: string, e: StoredEvent, calls: ToolCall[]): Promise<Write[]> {
	const have = new Set((JSON.parse(e.calls) as [string, string | null, string | null][]).map(([name, input, error]) => callKey({ name, input, error })));
	const add = calls.filter((c) => !have.has(callKey(c)));
	if (add.length === 0) return [];
	const refs = await sealToolCalls(bodies, projectId, e.timestamp, add);
	const t = schema.toolCalls;
	const next = (e.last_idx ?? -1) + 1;
	return [
		...add.map((call, k) => toolCallWrite(db, projectId, e, next + k, call, refs.get(call))),
		db
			.update(schema.events)
			.set({ toolCallCount: sql`(SELECT count(*) FROM ${t} WHERE ${t.projectId} = ${projectId} AND ${t.eventId} = ${e.event_id})` })
			.where(and(eq(schema.events.projectId, projectId), eq(schema.events.eventId, e.event_id))),
	];
}

function byProject(messages: EventMessage[]): Map<string, EventMessage[]> {
	const out = new Map<string, EventMessage[]>();
	for (const m of messages) out.set(m.project_id, [...(out.get(m.project_id) ?? []), m]);
	return out;
}

async function storedEvents(d1: D1Database, projectId: string, ids: string[]): Promise<Map<string, StoredEvent>> {
	if (ids.length === 0) return new Map();
	const { results } = await d1
		.prepare(
			`SELECT e.event_id, e.user_id, e.convo_id, e.timestamp,
				(SELECT json_group_array(json_array(t.name, t.input, t.error)) FROM tool_calls t WHERE t.project_id = e.project_id AND t.event_id = e.event_id) AS calls,
				(SELECT max(idx) FROM tool_calls t WHERE t.project_id = e.project_id AND t.event_id = e.event_id) AS last_idx
			FROM events e WHERE e.project_id = ? AND e.event_id IN (SELECT value FROM json_each(?))`,
		)
		.bind(projectId, JSON.stringify(ids))
		.all<StoredEvent>();
	return new Map(results.map((r) => [r.event_id, r]));
}

/** The writes for spans' events that name app events: added to those already stored, kept in event_links for the others. */
export async function linkWrites(d1: D1Database, db: Db, linked: EventMessage[], source: string, bodies: EventBodyStore): Promise<Write[]> {
	const writes: Write[] = [];
	for (const [projectId, messages] of byProject(linked)) {
		const stored = await storedEvents(
			d1,
			projectId,
			messages.map((m) => m.event.event_id),
		);
		for (const m of messages) {
			const target = stored.get(m.event.event_id);
			if (target) {
				writes.push(...(await appendToolCalls(db, bodies, projectId, target, m.event.tool_calls)));
			} else {
				writes.push(
					db
						.insert(schema.eventLinks)
						.values({ projectId, eventId: m.event.event_id, source, body: JSON.stringify(m), receivedAt: m.received_at })
						.onConflictDoNothing(),
				);
			}
		}
	}
	return writes;
}

/** The event_links rows waiting for these events, by project and event id. */
export async function waitingLinks(d1: D1Database, events: EventMessage[]): Promise<Map<string, EventMessage[]>> {
	const out = new Map<string, EventMessage[]>();
	for (const [projectId, messages] of byProject(events)) {
		const { results } = await d1
			.prepare("SELECT event_id, body FROM event_links WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?)) ORDER BY received_at")
			.bind(projectId, JSON.stringify(messages.map((m) => m.event.event_id)))
			.all<{ event_id: string; body: string }>();
		for (const r of results) {
			const key = `${projectId}\u0000${r.event_id}`;
			out.set(key, [...(out.get(key) ?? []), JSON.parse(r.body) as EventMessage]);
		}
	}
	return out;
}

/** An app event with the tool calls (and any missing input, output, model) of the spans that named it, and the writes that clear them. */
export function withLinks(db: Db, event: EventMessage, links: Map<string, EventMessage[]>): { event: EventMessage; writes: Write[] } {
	const found = links.get(`${event.project_id}\u0000${event.event.event_id}`);
	if (!found?.length) return { event, writes: [] };
	const e = { ...event.event, tool_calls: [...event.event.tool_calls] };
	for (const l of found) {
		e.tool_calls.push(...l.event.tool_calls);
		e.input ??= l.event.input;
		e.output ??= l.event.output;
		e.model ??= l.event.model;
	}
	e.tool_calls = e.tool_calls.slice(0, LIMITS.toolCallsPerEvent);
	const t = schema.eventLinks;
	return {
		event: { ...event, event: e },
		writes: [db.delete(t).where(and(eq(t.projectId, event.project_id), eq(t.eventId, event.event.event_id)))],
	};
}

export interface LinkEnv extends EventBodyEnv {
	DB: D1Database;
	EVENTS_QUEUE?: Queue;
	QUEUE_JOURNAL?: string;
}

/**
 * Each cron tick: links whose event was stored meanwhile (a race between batches) are added to it; links
 * that waited LINK_TIMEOUT_MS for an event that never came are stored as events of their own.
 */
export async function settleLinks(env: LinkEnv, db: Db, now: number): Promise<{ added: number; stored: number }> {
	const { results } = await env.DB.prepare(
		`SELECT l.project_id, l.event_id, l.source, l.body, l.received_at,
			EXISTS (SELECT 1 FROM events e WHERE e.project_id = l.project_id AND e.event_id = l.event_id) AS stored
		FROM event_links l ORDER BY l.received_at LIMIT 200`,
	).all<{ project_id: string; event_id: string; source: string; body: string; received_at: number; stored: number }>();
	const writes: Write[] = [];
	const orphans: EventMessage[] = [];
	let added = 0;
	for (const row of results) {
		const message = JSON.parse(row.body) as EventMessage;
		if (row.stored) {
			writes.push(...(await linkWrites(env.DB, db, [message], row.source, eventBodyStore(env))));
			added++;
		} else if (row.received_at > now - LINK_TIMEOUT_MS) continue;
		else if (env.EVENTS_QUEUE)
			orphans.push({ ...message, event: { ...message.event, properties: { ...message.event.properties, linked_event_missing: true } } });
		else continue;
		const t = schema.eventLinks;
		writes.push(db.delete(t).where(and(eq(t.projectId, row.project_id), eq(t.eventId, row.event_id), inArray(t.source, [row.source]))));
	}
	if (orphans.length) await enqueue(env.EVENTS_QUEUE as Queue<QueueMessage | PayloadRef>, env.DB, orphans, enqueueOptions(env));
	if (writes.length) await db.batch(writes as [Write, ...Write[]]);
	return { added, stored: orphans.length };
}
