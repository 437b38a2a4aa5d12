import { bodyIsLong, type EventBody, eventBody, toolCallIsLong } from "#core/event-bodies";
import type { EventMessage } from "#core/queue-messages";
import { type EventBodyEnv, type EventBodyStore, eventBodyStore } from "#shared/adapters/event-body-store";

type ToolCall = EventMessage["event"]["tool_calls"][number];

/** Refs to texts sealed in R2, by the event message or tool call they belong to. */
export type BodyRefs = Map<EventMessage | ToolCall, string>;

/**
 * Seals these tool calls' long payloads in one object of the project (one R2 write): for calls added to a
 * stored event by spans that named it (event-links.ts). Throws when R2 refuses.
 */
export async function sealToolCalls(store: EventBodyStore, projectId: string, timestamp: number, calls: ToolCall[]): Promise<BodyRefs> {
	const long = calls.filter(toolCallIsLong);
	const written = await store.putBatch(
		projectId,
		long.map((c) => ({ timestamp, body: eventBody(c) })),
	);
	return new Map(long.map((c, i) => [c, written[i]!]));
}

/**
 * The whole texts of the batch's long events (and of their long tool calls) go to R2 before their rows go
 * to D1: one object per project, each event's texts and each call's payloads sealed with a key of their
 * own, which their row then holds (body_ref). A row never names texts that are not there. An object no
 * row ends up naming (the D1 batch failed and the batch is retried into another object; a second event
 * under an id already stored) holds nothing anyone can open, since its keys were never stored. Returns
 * the refs, and the events whose object could not be written: then the batch is retried, nothing
 * stored without its texts.
 */
export async function storeLongTexts(env: EventBodyEnv, events: EventMessage[]): Promise<{ refs: BodyRefs; failed: Set<EventMessage> }> {
	const refs: BodyRefs = new Map();
	const failed = new Set<EventMessage>();
	const byProject = new Map<string, { owner: EventMessage | ToolCall; message: EventMessage; body: EventBody }[]>();
	for (const m of events) {
		const parts = [
			...(bodyIsLong(m.event) ? [{ owner: m, message: m, body: eventBody(m.event) }] : []),
			...m.event.tool_calls.filter(toolCallIsLong).map((c) => ({ owner: c, message: m, body: eventBody(c) })),
		];
		if (parts.length) byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), ...parts]);
	}
	const store = eventBodyStore(env);
	await Promise.all(
		[...byProject].map(async ([projectId, parts]) => {
			try {
				const written = await store.putBatch(
					projectId,
					parts.map((p) => ({ timestamp: p.message.event.timestamp, body: p.body })),
				);
				parts.forEach((p, i) => refs.set(p.owner, written[i]!));
			} catch (err) {
				console.error(`writing the long texts of ${parts.length} events and tool calls of ${projectId} to R2 failed; the batch is retried`, err);
				for (const p of parts) failed.add(p.message);
			}
		}),
	);
	return { refs, failed };
}
