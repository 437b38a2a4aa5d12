import { PENDING_EVENT_TIMEOUT_MS } from "#core/pending-events/pending-event-merge";
import type { EventMessage, PayloadRef, QueueMessage } from "#core/queue-messages";
import { DAY_MS } from "#core/timestamps";
import { enqueue, enqueueOptions } from "#shared/queue/enqueue";
import { eventMessageOf } from "../ingest-batch/pending-event-merges";

/** Pending events finalized per cron tick, so one tick stays short; a backlog drains over several. */
const PER_TICK = 100;
/** A finalized row is kept this long, so a part arriving late is recognised (and dead-lettered), then deleted. */
const KEEP_FINALIZED_MS = 7 * DAY_MS;

export interface PendingEventEnv {
	DB: D1Database;
	EVENTS_QUEUE?: Queue;
	QUEUE_JOURNAL?: string;
}

interface OpenRow {
	project_id: string;
	event_id: string;
	merged: string;
	version: number;
	stored: number;
}

/**
 * An event sent in parts whose final part never came (the process died, `finish()` was never
 * called) is stored as merged so far once no part arrived for PENDING_EVENT_TIMEOUT_MS: what
 * ingest acknowledged is never lost. The events go through the events queue, so the consumer
 * stores and detects them exactly as any event; the row is marked finalized only after they are
 * queued, and only if no part came meanwhile (its version is unchanged), so a failure re-sends
 * (stored once: events are keyed by id) and a late part keeps the event open. One that cannot be
 * stored (no user_id by then) is a dead letter with the reason.
 */
export async function finalizeStalePendingEvents(env: PendingEventEnv, now: number): Promise<{ finalized: number; deadLetters: number; purged: number }> {
	if (!env.EVENTS_QUEUE) return { finalized: 0, deadLetters: 0, purged: 0 };
	const { results } = await env.DB.prepare(
		`SELECT p.project_id, p.event_id, p.merged, p.version,
			EXISTS (SELECT 1 FROM events e WHERE e.project_id = p.project_id AND e.event_id = p.event_id) AS stored
		FROM pending_events p WHERE p.finalized_at IS NULL AND p.updated_at <= ? ORDER BY p.updated_at LIMIT ?`,
	)
		.bind(now - PENDING_EVENT_TIMEOUT_MS, PER_TICK)
		.all<OpenRow>();
	const events: EventMessage[] = [];
	const letters: D1PreparedStatement[] = [];
	for (const row of results) {
		const complete = eventMessageOf(row.project_id, JSON.parse(row.merged));
		const reason = row.stored
			? `event ${row.event_id} was already stored (sent whole, not in parts); its parts are not merged into it`
			: "problem" in complete
				? `event ${row.event_id}, never finished, timed out after ${PENDING_EVENT_TIMEOUT_MS / 60_000} minutes: ${complete.problem}`
				: undefined;
		if (reason === undefined && "event" in complete) events.push(complete.event);
		else letters.push(deadLetter(env.DB, row, reason ?? "unknown", now));
	}
	if (events.length) await enqueue(env.EVENTS_QUEUE as Queue<QueueMessage | PayloadRef>, env.DB, events, enqueueOptions(env));
	const marks = results.map((r) =>
		env.DB.prepare("UPDATE pending_events SET finalized_at = ? WHERE project_id = ? AND event_id = ? AND version = ? AND finalized_at IS NULL").bind(
			now,
			r.project_id,
			r.event_id,
			r.version,
		),
	);
	const purge = env.DB.prepare(
		`DELETE FROM pending_events WHERE (project_id, event_id) IN
			(SELECT project_id, event_id FROM pending_events WHERE finalized_at IS NOT NULL AND finalized_at < ? LIMIT 500)`,
	).bind(now - KEEP_FINALIZED_MS);
	const done = await env.DB.batch([...letters, ...marks, purge]);
	return { finalized: events.length, deadLetters: letters.length, purged: done.at(-1)?.meta.changes ?? 0 };
}

function deadLetter(db: D1Database, row: OpenRow, reason: string, now: number): D1PreparedStatement {
	return db
		.prepare(
			"INSERT INTO dead_letters (id, project_id, queue, body, reason, attempts, received_at) VALUES (?, ?, 'pending_events', ?, ?, 0, ?) ON CONFLICT DO NOTHING",
		)
		.bind(`dlq_pending_${row.project_id}_${row.event_id}`, row.project_id, row.merged, reason.slice(0, 2000), now);
}
