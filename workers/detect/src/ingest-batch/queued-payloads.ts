import { payloadRefSchema } from "#core/queue-messages";

/** A queue message's body after a parked payload is read back: what the consumer parses. */
export interface Resolved {
	body: unknown;
	/** The queued_payloads row to delete with the stored rows. */
	payloadId?: string;
	/** A reference whose parked body is gone and whose event, signal or user is already stored: nothing to do. */
	done?: boolean;
}

/**
 * Reads back the bodies that ingest parked in D1 because they were too large for a Queue message
 * (one query per batch). A reference whose row is gone was stored before (the row is deleted in the
 * same D1 batch that stores it; only the ack was lost), unless nothing was stored: then the body
 * is missing and the message is dead-lettered, never dropped silently.
 */
export async function resolvePayloadRefs(d1: D1Database, messages: readonly Message<unknown>[]): Promise<Map<Message<unknown>, Resolved>> {
	const out = new Map<Message<unknown>, Resolved>(messages.map((m) => [m, { body: m.body }]));
	const refs = messages.flatMap((m) => {
		const ref = payloadRefSchema.safeParse(m.body);
		return ref.success ? [{ m, ref: ref.data }] : [];
	});
	if (refs.length === 0) return out;
	const { results } = await d1
		.prepare("SELECT id, body FROM queued_payloads WHERE id IN (SELECT value FROM json_each(?))")
		.bind(JSON.stringify(refs.map((r) => r.ref.payload_id)))
		.all<{ id: string; body: string }>();
	const parked = new Map(results.map((r) => [r.id, r.body]));
	for (const { m, ref } of refs) {
		const body = parked.get(ref.payload_id);
		if (body !== undefined) {
			out.set(m, { body: JSON.parse(body), payloadId: ref.payload_id });
			continue;
		}
		const stored =
			ref.kind === "event_partial"
				? await partMerged(d1, ref.project_id, ref.id)
				: ref.kind === "otel_trace"
					? await tracePartTaken(d1, ref.project_id, ref.id)
					: ref.kind === "event"
						? await d1.prepare("SELECT 1 AS ok FROM events WHERE project_id = ? AND event_id = ?").bind(ref.project_id, ref.id).first()
						: ref.kind === "signal"
							? await d1.prepare("SELECT 1 AS ok FROM signals WHERE project_id = ? AND signal_id = ?").bind(ref.project_id, ref.id).first()
							: await d1.prepare("SELECT 1 AS ok FROM users WHERE project_id = ? AND user_id = ?").bind(ref.project_id, ref.id).first();
		// Not stored and nothing parked: the body is what failed; the consumer dead-letters it.
		out.set(m, stored ? { body: m.body, done: true } : { body: { missing_payload: ref.payload_id, ...ref } });
	}
	return out;
}

/** A trace part's reference id is `<trace_id>/<part_id>`: taken once its row is in otel_trace_parts. */
async function tracePartTaken(d1: D1Database, projectId: string, refId: string) {
	const cut = refId.lastIndexOf("/");
	return d1
		.prepare("SELECT 1 AS ok FROM otel_trace_parts WHERE project_id = ? AND trace_id = ? AND part_id = ?")
		.bind(projectId, refId.slice(0, cut), refId.slice(cut + 1))
		.first();
}

/** A part's reference id is `<event_id>/<part_id>`: merged once its id is in the pending event's parts. */
async function partMerged(d1: D1Database, projectId: string, refId: string) {
	const cut = refId.lastIndexOf("/");
	return d1
		.prepare("SELECT 1 AS ok FROM pending_events WHERE project_id = ? AND event_id = ? AND EXISTS (SELECT 1 FROM json_each(parts) WHERE value = ?)")
		.bind(projectId, refId.slice(0, cut), refId.slice(cut + 1))
		.first();
}
