import type { EventListItem } from "#core/api/events";

/**
 * Merges a freshly polled first page into the list on screen: newest first, no
 * duplicates, updated rows (a signal arrived) replaced, at most `max` kept.
 */
export function mergeNewest(current: EventListItem[], incoming: EventListItem[], max: number): { events: EventListItem[]; added: number } {
	const known = new Set(current.map((e) => e.event_id));
	const added = incoming.filter((e) => !known.has(e.event_id)).length;
	const byId = new Map<string, EventListItem>();
	for (const e of current) byId.set(e.event_id, e);
	for (const e of incoming) byId.set(e.event_id, e);
	const events = [...byId.values()].sort((a, b) => (b.timestamp ?? "").localeCompare(a.timestamp ?? "") || b.event_id.localeCompare(a.event_id));
	return { events: events.slice(0, max), added };
}
