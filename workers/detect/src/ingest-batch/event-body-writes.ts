import { bodyIsLong } from "#core/event-bodies";
import type { EventMessage } from "#core/queue-messages";
import { type EventBodyEnv, eventBodyStore } from "#shared/adapters/event-body-store";

/**
 * The whole texts of the batch's long events go to R2 before their rows go to D1: one object per
 * project, each event's texts sealed with their own key, which its row then holds (body_ref). A row
 * never names texts that are not there. An object no row ends up naming (the D1 batch failed and the
 * message is retried into another object; a second event under an id already stored) holds nothing
 * anyone can open, since its keys were never stored. Returns each long event's ref, and the events
 * whose object could not be written: then the batch is retried, nothing stored without its texts.
 */
export async function storeLongTexts(env: EventBodyEnv, events: EventMessage[]): Promise<{ refs: Map<EventMessage, string>; failed: Set<EventMessage> }> {
	const refs = new Map<EventMessage, string>();
	const failed = new Set<EventMessage>();
	const byProject = new Map<string, EventMessage[]>();
	for (const m of events) if (bodyIsLong(m.event)) byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), m]);
	const store = eventBodyStore(env);
	await Promise.all(
		[...byProject].map(async ([projectId, messages]) => {
			try {
				const written = await store.putBatch(
					projectId,
					messages.map((m) => ({ timestamp: m.event.timestamp, body: { input: m.event.input ?? null, output: m.event.output ?? null } })),
				);
				messages.forEach((m, i) => refs.set(m, written[i]!));
			} catch (err) {
				console.error(`writing the long texts of ${messages.length} events of ${projectId} to R2 failed; the batch is retried`, err);
				for (const m of messages) failed.add(m);
			}
		}),
	);
	return { refs, failed };
}
