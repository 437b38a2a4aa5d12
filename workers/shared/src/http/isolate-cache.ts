/**
 * Values kept in an isolate's memory for `ttlMs`, so a hot path (ingest's key check, its privacy
 * settings) does not read D1 on every request. Each isolate has its own copy: a change made in D1
 * is seen everywhere within `ttlMs`. Past `maxEntries` it starts over rather than grow.
 */
export class IsolateCache<T> {
	private readonly entries = new Map<string, { value: T; until: number }>();

	constructor(
		private readonly ttlMs: number,
		private readonly maxEntries = 1000,
	) {}

	get(key: string): T | undefined {
		const hit = this.entries.get(key);
		return hit && hit.until > Date.now() ? hit.value : undefined;
	}

	set(key: string, value: T): void {
		if (this.entries.size >= this.maxEntries) this.entries.clear();
		this.entries.set(key, { value, until: Date.now() + this.ttlMs });
	}
}
