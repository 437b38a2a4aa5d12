import type { EventListItem } from "#core/api/events";
import { encodeCursor } from "#core/cursors";

/**
 * Merges a freshly polled first page into the list on screen: newest first, no
 * duplicates, updated rows (a signal arrived) replaced, at most `max` kept. `after` is set when
 * the oldest rows were dropped: the cursor to load older events from, so the next page has no gap.
 */
export function mergeNewest(current: EventListItem[], incoming: EventListItem[], max: number): { events: EventListItem[]; added: number; after?: string } {
	const known = new Set(current.map((e) => e.event_id));
	const added = incoming.filter((e) => !known.has(e.event_id)).length;
	const byId = new Map<string, EventListItem>();
	for (const e of current) byId.set(e.event_id, e);
	for (const e of incoming) byId.set(e.event_id, e);
	const events = [...byId.values()].sort((a, b) => (b.timestamp ?? "").localeCompare(a.timestamp ?? "") || b.event_id.localeCompare(a.event_id));
	if (events.length <= max) return { events, added };
	const kept = events.slice(0, max);
	const last = kept.at(-1);
	// The list's cursor: after (timestamp, event_id) in the list's order; ISO times carry the milliseconds.
	const after = last?.timestamp ? encodeCursor({ timestamp: Date.parse(last.timestamp), eventId: last.event_id }) : undefined;
	return { events: kept, added, after };
}
