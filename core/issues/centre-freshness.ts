/**
 * When maintenance may reuse a stored issue or intent centre instead of embedding its latest events again. A
 * centre records how many events it was computed from and when. It is reused while the count is the same and it
 * is under a day old: a count that changed means events joined or left; the age bounds the case the count
 * cannot see (as many events left, by retention or a user's deletion, as joined), so such a centre is at most a
 * day stale, at the price of one recomputation per centre a day (50 texts), not one per 5-minute pass.
 */
export const CENTRE_MAX_AGE_MS = 24 * 3_600_000;

/** What a computed centre records about itself, beside its own ids. */
export function centreStamp(events: number, now: number): { events: number; computed_at: number } {
	return { events, computed_at: now };
}

/** Whether a stored centre (its metadata) still stands for an issue or intent that now has `events` events. */
export function centreIsCurrent(metadata: Record<string, unknown> | undefined, events: number, now: number): boolean {
	if (!metadata || metadata.events !== events) return false;
	const at = metadata.computed_at;
	return typeof at === "number" && now - at < CENTRE_MAX_AGE_MS && at <= now;
}
