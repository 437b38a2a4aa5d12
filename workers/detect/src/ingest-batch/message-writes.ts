import { and, eq, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "#db/schema";
import { DAY_MS } from "#core/timestamps";
import type { EventMessage, IdentifyMessage, QueueMessage, SignalMessage } from "#core/queue-messages";
import { bodyIsLong, storedAttachments, storedText, storedToolText, toolCallIsLong } from "#core/event-bodies";
import type { BodyRefs } from "./event-body-writes";
import { firstSeenWrites } from "./first-seen-writes";

export type Db = DrizzleD1Database<typeof schema>;
export type Write = BatchItem<"sqlite">;

/**
 * One tool call of an event, at its position; a retried message writes it once. D1 keeps the first
 * characters of long payloads; the ref finds them whole in R2 (event-body-writes.ts).
 */
export function toolCallWrite(
	db: Db,
	projectId: string,
	event: { event_id: string; user_id: string; convo_id?: string | null; timestamp: number },
	idx: number,
	call: EventMessage["event"]["tool_calls"][number],
	bodyRef: string | undefined,
): Write {
	if (toolCallIsLong(call) && !bodyRef) throw new Error(`a tool call of event ${event.event_id} has long payloads but no ref to them in R2`);
	return db
		.insert(schema.toolCalls)
		.values({
			projectId,
			eventId: event.event_id,
			idx,
			timestamp: event.timestamp,
			userId: event.user_id,
			convoId: event.convo_id ?? null,
			name: call.name,
			input: storedToolText(call.input),
			output: storedToolText(call.output),
			error: call.error ?? null,
			durationMs: call.duration_ms ?? null,
			bodyRef: bodyRef ?? null,
		})
		.onConflictDoNothing();
}

/** Explicit signals count like detections: one user_signal_days row per user, signal and UTC day. */
function signalUsersWrite(db: Db, which: SQL): Write {
	const s = schema.signals;
	return db
		.insert(schema.userSignalDays)
		.select(
			db
				.select({
					projectId: s.projectId,
					day: sql<number>`${s.timestamp} / 86400000`.as("day"),
					signal: s.signal,
					userId: sql<string>`${s.userId}`.as("user_id"),
				})
				.from(s)
				.where(and(which, isNotNull(s.userId))),
		)
		.onConflictDoNothing();
}

/**
 * Adds the batch's events not stored yet to their days' counts (event_days), one row written per project and
 * day rather than one per event (migration 0035). It must come before the events' inserts in the same D1 batch:
 * a batch is one transaction and D1 runs one at a time, so what it counts as new is exactly what the inserts
 * after it add, and a redelivered or duplicated event adds nothing.
 */
export function eventDaysWrite(db: Db, events: EventMessage[]): Write | undefined {
	const seen = new Map<string, [string, string, number]>();
	for (const { project_id: projectId, event } of events) {
		// The first copy of an event in the batch is the one its insert keeps (a retried request may carry another time).
		const key = `${projectId}\u0000${event.event_id}`;
		if (!seen.has(key)) seen.set(key, [projectId, event.event_id, Math.floor(event.timestamp / DAY_MS)]);
	}
	if (seen.size === 0) return undefined;
	const d = schema.eventDays;
	return db
		.insert(d)
		.select(
			sql`SELECT j.value ->> 0, j.value ->> 2, count(*) FROM json_each(${JSON.stringify([...seen.values()])}) j
				WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.project_id = j.value ->> 0 AND e.event_id = j.value ->> 1)
				GROUP BY 1, 2`,
		)
		.onConflictDoUpdate({ target: [d.projectId, d.day], set: { events: sql`${d.events} + excluded.events` } });
}

/**
 * Every write is idempotent (insert-or-ignore on the natural key, the minimum of first times,
 * JSON merge on traits), so a message delivered twice leaves the database as once.
 */
function eventWrites(db: Db, message: EventMessage, refs: BodyRefs): Write[] {
	const { project_id: projectId, received_at, event } = message;
	const bodyRef = refs.get(message);
	// D1 keeps the first characters of a long text; its whole texts must be in R2 first (event-body-writes.ts).
	if (bodyIsLong(event) && !bodyRef) throw new Error(`event ${event.event_id} has long texts but no ref to them in R2`);
	const ts = event.timestamp;
	const writes: Write[] = [
		// event_days is counted per batch (eventDaysWrite), before the inserts: an insert ignored as a replay adds nothing.
		db
			.insert(schema.events)
			.values({
				projectId,
				eventId: event.event_id,
				timestamp: ts,
				receivedAt: received_at,
				userId: event.user_id,
				convoId: event.convo_id ?? null,
				event: event.event,
				model: event.model ?? null,
				// D1 keeps what is read for judgement and search; longer texts go whole to R2 (event-bodies.ts).
				input: storedText(event.input),
				output: storedText(event.output),
				bodyRef: bodyRef ?? null,
				properties: JSON.stringify(event.properties),
				attachments: event.attachments ? JSON.stringify(storedAttachments(event.attachments)) : null,
				toolCallCount: event.tool_calls.length,
			})
			.onConflictDoNothing(),
		// Written on the user's first event (and an earlier one arriving late); the last time seen is read from events.
		db
			.insert(schema.users)
			.values({ projectId, userId: event.user_id, firstSeen: ts })
			.onConflictDoUpdate({
				target: [schema.users.projectId, schema.users.userId],
				set: { firstSeen: sql`excluded.first_seen` },
				// Only when the time moves earlier: D1 bills an update that changes nothing as a row written.
				setWhere: sql`${schema.users.firstSeen} is null or excluded.first_seen < ${schema.users.firstSeen}`,
			}),
		// Signals that arrived before this event now learn its time and whose they are (unless they said), and count
		// for that user.
		db
			.update(schema.signals)
			.set({
				eventTimestamp: ts,
				userId: sql`coalesce(${schema.signals.userId}, ${event.user_id})`,
				convoId: sql`coalesce(${schema.signals.convoId}, ${event.convo_id ?? null})`,
			})
			.where(and(eq(schema.signals.projectId, projectId), eq(schema.signals.eventId, event.event_id), isNull(schema.signals.eventTimestamp))),
		signalUsersWrite(db, and(eq(schema.signals.projectId, projectId), eq(schema.signals.eventId, event.event_id))!),
		...firstSeenWrites(db, projectId, event),
	];
	event.tool_calls.forEach((call, idx) => {
		writes.push(toolCallWrite(db, projectId, { ...event, timestamp: ts }, idx, call, refs.get(call)));
	});
	if (event.convo_id) {
		// Written on the conversation's first turn (and an earlier one arriving late); the last turn's time is read from events.
		writes.push(
			db
				.insert(schema.conversations)
				.values({ projectId, convoId: event.convo_id, userId: event.user_id, firstSeen: ts })
				.onConflictDoUpdate({
					target: [schema.conversations.projectId, schema.conversations.convoId],
					set: { firstSeen: sql`excluded.first_seen` },
					setWhere: sql`excluded.first_seen < ${schema.conversations.firstSeen}`,
				}),
		);
	}
	return writes;
}

function signalWrites(db: Db, { project_id: projectId, received_at, signal }: SignalMessage): Write[] {
	const ofEvent = (column: "user_id" | "convo_id" | "timestamp") =>
		sql`(select ${sql.raw(column)} from events where project_id = ${projectId} and event_id = ${signal.event_id})`;
	return [
		db
			.insert(schema.signals)
			.values({
				projectId,
				signalId: signal.signal_id,
				eventId: signal.event_id,
				signal: signal.signal,
				timestamp: signal.timestamp,
				eventTimestamp: ofEvent("timestamp"),
				receivedAt: received_at,
				userId: signal.user_id ? sql`${signal.user_id}` : ofEvent("user_id"),
				convoId: ofEvent("convo_id"),
				comment: signal.comment ?? null,
				properties: JSON.stringify(signal.properties),
			})
			.onConflictDoNothing(),
		// Explicit feedback counts like any signal: one row per user and day.
		signalUsersWrite(db, and(eq(schema.signals.projectId, projectId), eq(schema.signals.signalId, signal.signal_id))!),
	];
}

function identifyWrites(db: Db, { project_id: projectId, identify }: IdentifyMessage): Write[] {
	const ts = identify.timestamp;
	return [
		db
			.insert(schema.users)
			.values({ projectId, userId: identify.user_id, traits: sql`json_patch('{}', ${JSON.stringify(identify.traits)})`, traitsUpdatedAt: ts })
			.onConflictDoUpdate({
				target: [schema.users.projectId, schema.users.userId],
				// Identify calls can arrive out of order: an older one only fills traits the newer ones left unset.
				set: {
					traits: sql`case when excluded.traits_updated_at >= coalesce(${schema.users.traitsUpdatedAt}, 0)
						then json_patch(${schema.users.traits}, ${JSON.stringify(identify.traits)})
						else json_patch(excluded.traits, ${schema.users.traits}) end`,
					traitsUpdatedAt: sql`max(coalesce(${schema.users.traitsUpdatedAt}, 0), excluded.traits_updated_at)`,
				},
			}),
	];
}

/**
 * The rows one message writes. Detection and clustering add their writes here, in the same batch. An
 * event with long texts or tool payloads comes with the refs to them in R2 (event-body-writes.ts).
 */
export function writesFor(db: Db, message: QueueMessage, refs: BodyRefs = new Map()): Write[] {
	switch (message.type) {
		case "event":
			return eventWrites(db, message, refs);
		case "signal":
			return signalWrites(db, message);
		case "identify":
			return identifyWrites(db, message);
		case "event_partial":
			// Merged into pending_events before writes are planned (pending-event-merges.ts); the complete event comes back as an event.
			return [];
		case "otel_trace":
			// Joined with its trace's other parts before writes are planned (otel-trace-parts.ts); a settled trace comes back as events.
			return [];
	}
}
