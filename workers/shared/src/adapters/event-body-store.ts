import { bodyObjectKey, bodyObjectPrefix, type EventBody, formatBodyRef, objectExpired, openBody, parseBodyRef, sealBodies } from "#core/event-bodies";

/** The workers that read or write events' long texts (core/event-bodies.ts). */
export interface EventBodyEnv {
	BODIES: R2Bucket;
}

/** R2 deletes at most 1,000 keys a call. */
const DELETE_KEYS = 1_000;
/** Ranges read at once: a conversation page names at most 500 events. */
const READS_AT_ONCE = 50;

/**
 * Events' whole texts in R2 (core/event-bodies.ts): one object per consumer batch and project, each
 * event's texts sealed with their own key, which only the event's D1 row holds (its body_ref). Costs:
 * one Class A operation per batch written, one Class B per event opened, one Class A per 1,000 objects
 * listed by retention, deletes free (r2/pricing).
 */
export class EventBodyStore {
	constructor(private readonly bucket: R2Bucket) {}

	/** Writes one object holding these events' texts; returns each event's ref, in order. */
	async putBatch(projectId: string, events: { timestamp: number; body: EventBody }[]): Promise<string[]> {
		if (events.length === 0) return [];
		const { bytes, parts } = await sealBodies(events.map((e) => e.body));
		const object = bodyObjectKey(projectId, Math.max(...events.map((e) => e.timestamp)), crypto.randomUUID());
		await this.bucket.put(object, bytes);
		return parts.map((p) => formatBodyRef({ object, ...p }));
	}

	/**
	 * The texts behind these refs, by ref. A ref whose object is gone (retention deleted it), that R2 fails
	 * to read or that does not open is left out: the reader shows what D1 keeps, marked truncated.
	 */
	async get(refs: string[]): Promise<Map<string, EventBody>> {
		const out = new Map<string, EventBody>();
		const unique = [...new Set(refs)];
		for (let i = 0; i < unique.length; i += READS_AT_ONCE) {
			await Promise.all(
				unique.slice(i, i + READS_AT_ONCE).map(async (text) => {
					const ref = parseBodyRef(text);
					if (!ref) return;
					try {
						const object = await this.bucket.get(ref.object, { range: { offset: ref.offset, length: ref.length } });
						if (object) out.set(text, await openBody(new Uint8Array(await object.arrayBuffer()), ref.secret));
					} catch (err) {
						console.error(`the texts at ${ref.object} (${ref.offset}+${ref.length}) could not be read or opened`, err);
					}
				}),
			);
		}
		return out;
	}

	/**
	 * Deletes a project's objects whose every event is older than `cutoff` (retention). Objects list in
	 * day order, so the walk stops at the first one still needed. Returns how many went.
	 */
	async deleteExpired(projectId: string, cutoff: number): Promise<number> {
		let deleted = 0;
		let cursor: string | undefined;
		for (;;) {
			const page = await this.bucket.list({ prefix: bodyObjectPrefix(projectId), cursor, limit: DELETE_KEYS });
			const expired = page.objects.map((o) => o.key).filter((key) => objectExpired(key, cutoff));
			if (expired.length) await this.bucket.delete(expired);
			deleted += expired.length;
			if (expired.length < page.objects.length || !page.truncated) return deleted;
			cursor = page.cursor;
		}
	}
}

export const eventBodyStore = (env: EventBodyEnv): EventBodyStore => new EventBodyStore(env.BODIES);
