import type { EventBody } from "#core/event-bodies";

/** The workers that read or write events' long texts (core/event-bodies.ts). */
export interface EventBodyEnv {
	BODIES: R2Bucket;
}

/** R2 deletes at most 1,000 keys a call. */
const DELETE_KEYS = 1_000;
/** Objects read at once: a conversation page names at most 500 events. */
const READS_AT_ONCE = 50;

/**
 * Events' whole texts in R2, one small JSON object per event whose input or output is longer than
 * D1 keeps. A Class A operation per long event written, a Class B per event page read, deletes free
 * (r2/pricing). Keys come from core/event-bodies.ts `bodyKey`.
 */
export class EventBodyStore {
	constructor(private readonly bucket: R2Bucket) {}

	async put(key: string, body: EventBody): Promise<void> {
		await this.bucket.put(key, JSON.stringify({ input: body.input, output: body.output }), { httpMetadata: { contentType: "application/json" } });
	}

	/** The bodies under these keys; a key with no object (not written yet, or deleted) is left out. */
	async get(keys: string[]): Promise<Map<string, EventBody>> {
		const out = new Map<string, EventBody>();
		const unique = [...new Set(keys)];
		for (let i = 0; i < unique.length; i += READS_AT_ONCE) {
			await Promise.all(
				unique.slice(i, i + READS_AT_ONCE).map(async (key) => {
					const object = await this.bucket.get(key);
					if (object) out.set(key, await object.json<EventBody>());
				}),
			);
		}
		return out;
	}

	async delete(keys: string[]): Promise<void> {
		for (let i = 0; i < keys.length; i += DELETE_KEYS) await this.bucket.delete(keys.slice(i, i + DELETE_KEYS));
	}
}

export const eventBodyStore = (env: EventBodyEnv): EventBodyStore => new EventBodyStore(env.BODIES);
