import { bodyKey } from "#core/event-bodies";
import type { EventMessage } from "#core/queue-messages";
import { type EventBodyEnv, eventBodyStore } from "#shared/adapters/event-body-store";

const pairKey = (projectId: string, eventId: string) => `${projectId}\u0000${eventId}`;

/**
 * The whole texts of the batch's long events go to R2 after their rows are in D1, and only where
 * the stored row names the same key: an event stored earlier under the same id with other texts
 * keeps its own (it won in D1), and nothing in R2 is left without a row naming it. Returns the
 * events whose texts could not be written: their messages are retried (every write is
 * idempotent), so nothing acknowledged misses its texts; until then the event shows its stored
 * first characters.
 */
export async function storeBodies(env: EventBodyEnv & { DB: D1Database }, events: EventMessage[]): Promise<Set<EventMessage>> {
	const long = events.flatMap((m) => {
		const key = bodyKey(m.project_id, m.event.event_id, m.event);
		return key ? [{ m, key }] : [];
	});
	if (long.length === 0) return new Set();
	const failed = new Set<EventMessage>();
	let stored: Map<string, string | null>;
	try {
		const { results } = await env.DB.prepare(
			`SELECT e.project_id, e.event_id, e.body_key FROM json_each(?) j
			JOIN events e ON e.project_id = json_extract(j.value, '$[0]') AND e.event_id = json_extract(j.value, '$[1]')`,
		)
			.bind(JSON.stringify(long.map(({ m }) => [m.project_id, m.event.event_id])))
			.all<{ project_id: string; event_id: string; body_key: string | null }>();
		stored = new Map(results.map((r) => [pairKey(r.project_id, r.event_id), r.body_key]));
	} catch (err) {
		console.error(`reading the body keys of ${long.length} events failed; their messages are retried`, err);
		return new Set(long.map(({ m }) => m));
	}
	const store = eventBodyStore(env);
	await Promise.all(
		long.map(async ({ m, key }) => {
			if (stored.get(pairKey(m.project_id, m.event.event_id)) !== key) return;
			try {
				await store.put(key, { input: m.event.input ?? null, output: m.event.output ?? null });
			} catch (err) {
				console.error(`writing the texts of event ${m.event.event_id} to R2 failed; its message is retried`, err);
				failed.add(m);
			}
		}),
	);
	return failed;
}
