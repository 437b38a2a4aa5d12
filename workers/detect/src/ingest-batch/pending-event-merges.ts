import { type EventPartialMessage, type EventMessage, queueMessageSchema } from "#core/queue-messages";
import { mergedEvent, mergePart, type PendingEventState } from "#core/pending-events/pending-event-merge";

/** What became of one part: merged and waiting, merged and complete (store this event), or a dead letter. */
export type PartOutcome = { kind: "pending" } | { kind: "event"; event: EventMessage } | { kind: "dead"; reason: string } | { kind: "retry"; error: unknown };

/** Compare-and-set rounds before a part is retried through the queue: another isolate kept winning. */
const CAS_ROUNDS = 5;

interface Row {
	merged: string;
	parts: string;
	version: number;
	finalized_at: number | null;
	stored: number;
}

/** The event message a merged state becomes, or why it cannot be stored. */
export function eventMessageOf(projectId: string, state: PendingEventState): { event: EventMessage } | { problem: string } {
	const merged = mergedEvent(state);
	if ("problem" in merged) return merged;
	const message = { v: 1, type: "event", project_id: projectId, received_at: state.received_at, event: merged.event } as const;
	// The shape every queued event has, so the event path trusts it as it trusts ingest's.
	const parsed = queueMessageSchema.safeParse(message);
	return parsed.success ? { event: parsed.data as EventMessage } : { problem: `the merged event is not a valid message: ${parsed.error.message}` };
}

/**
 * Merges one part into pending_events: read the row, merge in memory, write it back only if its
 * version is unchanged (compare-and-set), so consumers in many isolates merging parts of the same
 * event never overwrite each other; the loser reads again. The part's id is recorded with it: a
 * redelivered part changes nothing (a redelivered final part yields the event again, which the
 * event path stores once).
 */
async function mergeOne(db: D1Database, m: EventPartialMessage, now: number): Promise<PartOutcome> {
	const { project_id: projectId, event } = m;
	for (let round = 0; round < CAS_ROUNDS; round++) {
		const row = await db
			.prepare(
				`SELECT merged, parts, version, finalized_at,
					EXISTS (SELECT 1 FROM events WHERE project_id = ?1 AND event_id = ?2) AS stored
				FROM pending_events WHERE project_id = ?1 AND event_id = ?2`,
			)
			.bind(projectId, event.event_id)
			.first<Row>();
		const parts: string[] = row ? JSON.parse(row.parts) : [];
		const state: PendingEventState | undefined = row ? JSON.parse(row.merged) : undefined;
		if (row && state && parts.includes(m.part_id)) {
			if (!(m.final && row.finalized_at !== null)) return { kind: "pending" };
			const again = eventMessageOf(projectId, state);
			return "event" in again ? { kind: "event", event: again.event } : { kind: "pending" };
		}
		if (row?.finalized_at != null) {
			return { kind: "dead", reason: `a part of event ${event.event_id} arrived after the event was stored; stored events are not updated` };
		}
		const next = mergePart(state, { final: m.final, at: m.received_at, event });
		const finalizedAt = next.final ? now : null;
		const nextParts = JSON.stringify([...parts, m.part_id]);
		const write = row
			? db
					.prepare(
						"UPDATE pending_events SET merged = ?, parts = ?, version = version + 1, updated_at = ?, finalized_at = ? WHERE project_id = ? AND event_id = ? AND version = ?",
					)
					.bind(JSON.stringify(next), nextParts, now, finalizedAt, projectId, event.event_id, row.version)
			: db
					.prepare(
						"INSERT INTO pending_events (project_id, event_id, merged, parts, version, updated_at, finalized_at) VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING",
					)
					.bind(projectId, event.event_id, JSON.stringify(next), nextParts, now, finalizedAt);
		const { meta } = await write.run();
		if (meta.changes !== 1) continue;
		if (!next.final) return { kind: "pending" };
		// An event of this id stored by another path (`events/track`) would silently win over the parts.
		if (row?.stored || (!row && (await isStored(db, projectId, event.event_id)))) {
			return { kind: "dead", reason: `event ${event.event_id} was already stored (sent whole, not in parts); its parts are not merged into it` };
		}
		const complete = eventMessageOf(projectId, next);
		return "event" in complete ? { kind: "event", event: complete.event } : { kind: "dead", reason: `event ${event.event_id}: ${complete.problem}` };
	}
	return { kind: "retry", error: new Error(`pending event ${event.event_id}: ${CAS_ROUNDS} concurrent writes in a row`) };
}

async function isStored(db: D1Database, projectId: string, eventId: string): Promise<boolean> {
	return (await db.prepare("SELECT 1 AS ok FROM events WHERE project_id = ? AND event_id = ?").bind(projectId, eventId).first()) !== null;
}

/**
 * Merges a batch's parts one at a time, finals of an event after its other parts, so parts that
 * arrive in one batch never see their event finalized under them.
 */
export async function mergeParts<K>(db: D1Database, parts: { key: K; message: EventPartialMessage }[], now = Date.now()): Promise<Map<K, PartOutcome>> {
	const out = new Map<K, PartOutcome>();
	const ordered = [...parts].sort((a, b) => Number(a.message.final) - Number(b.message.final) || a.message.received_at - b.message.received_at);
	for (const { key, message } of ordered) {
		try {
			out.set(key, await mergeOne(db, message, now));
		} catch (error) {
			out.set(key, { kind: "retry", error });
		}
	}
	return out;
}
