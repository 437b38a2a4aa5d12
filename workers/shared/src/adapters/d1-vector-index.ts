import {
	cosineSimilarity,
	matchesFilter,
	type Metadata,
	type MetadataFilter,
	type VectorIndex,
	type VectorMatch,
	type VectorRecord,
} from "#core/vector-index/vector-index";
import { normalize } from "#core/embedding/embedder";

/** Vectorize caps a query at 100 results when values are not returned; the embedded index does the same. */
const MAX_TOP_K = 100;

/** A float32 blob as D1 returns it (ArrayBuffer, a view, or an array of bytes). */
export function toFloat32(raw: unknown): Float32Array {
	if (raw instanceof ArrayBuffer) return new Float32Array(raw);
	if (ArrayBuffer.isView(raw)) return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
	if (Array.isArray(raw)) return new Float32Array(Uint8Array.from(raw as number[]).buffer);
	throw new Error("vector values are not a blob");
}

/**
 * A centre as nearest() ranks it: its values scaled to unit length, as float32, or, in a namespace too large to
 * keep as float32, as int8 times `scale` (a quarter of the bytes; scores within about 0.001 of exact).
 */
interface RankedRow {
	id: string;
	unit: Float32Array | Int8Array;
	scale: number;
	metadata: Metadata;
}

/** One namespace's vectors as the isolate keeps them. */
interface NamespaceRows {
	/** What the namespace's rows looked like when read: count, latest and summed update times. */
	stamp: string;
	rows: RankedRow[];
	bytes: number;
}

/**
 * Bytes of centres an isolate keeps between calls (8 MB): the detect isolate has 20-40 MB to spare beside the
 * sentence encoder (docs/scaling.md), and a project's issue and intent centres are hundreds, 1.5-3 KB each as
 * float32. A namespace whose float32 copy would take more than a quarter of it (about 680 centres of 768
 * dimensions) is kept as int8, so about 10,900 fit in the whole budget. Past that a namespace is read on every
 * call, as it was before the cache.
 */
export const CACHE_MAX_BYTES = 8 * 1024 * 1024;
/** Least recently used first (a Map keeps insertion order; a hit moves its entry to the end). */
const cache = new Map<string, NamespaceRows>();
let cachedBytes = 0;

function remember(key: string, entry: NamespaceRows, budget: number): void {
	forget(key);
	if (entry.bytes > budget) return;
	while (cachedBytes + entry.bytes > budget && cache.size > 0) forget(cache.keys().next().value!);
	cache.set(key, entry);
	cachedBytes += entry.bytes;
}

function forget(key: string): void {
	const entry = cache.get(key);
	if (!entry) return;
	cache.delete(key);
	cachedBytes -= entry.bytes;
}

/** A unit vector as int8 steps of its largest component / 127. */
function quantized(row: RankedRow): RankedRow {
	let max = 0;
	for (let i = 0; i < row.unit.length; i++) max = Math.max(max, Math.abs(row.unit[i]!));
	if (max === 0) return { ...row, unit: new Int8Array(row.unit.length), scale: 0 };
	const step = max / 127;
	return { ...row, unit: Int8Array.from(row.unit, (v) => Math.round(v / step)), scale: step };
}

const STAMP = `SELECT count(*) AS n, coalesce(max(updated_at), 0) AS latest, coalesce(sum(updated_at), 0) AS total
	FROM vectors WHERE namespace = ? AND model = ?`;

/**
 * The vector index of issue and intent centres and teaching exemplars, in D1 in production as in dev and
 * tests: vectors as float32 blobs, nearest by brute force per namespace. A project's centres per namespace
 * are hundreds, changed when an issue or intent is made, merged or split and when maintenance refreshes
 * them, and asked for by every event; so nearest() keeps each namespace's vectors in the isolate and reads
 * them again only when its stamp (count and update times, one small read per batch) says they changed.
 * Vectorize billed every event's lookup as 768 queried dimensions: $8.57 of $36.25 per million events on the
 * demo mix, a dot product per centre here (bench/centre-scan.ts, docs/scaling.md built item 10).
 */
export class D1VectorIndex implements VectorIndex {
	constructor(
		private readonly db: D1Database,
		readonly model: string,
		/** The isolate's budget for kept centres (CACHE_MAX_BYTES; a smaller one in memory-tight workers and tests). */
		private readonly cacheBytes = CACHE_MAX_BYTES,
	) {}

	async upsert(records: VectorRecord[]): Promise<void> {
		if (records.length === 0) return;
		const now = Date.now();
		await this.db.batch(
			records.map((r) =>
				this.db
					.prepare(
						`INSERT INTO vectors (id, namespace, model, dims, "values", metadata, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
						 ON CONFLICT(id) DO UPDATE SET namespace = excluded.namespace, model = excluded.model, dims = excluded.dims,
						 "values" = excluded."values", metadata = excluded.metadata, updated_at = max(excluded.updated_at, vectors.updated_at + 1)`,
					)
					.bind(r.id, r.namespace, this.model, r.values.length, Float32Array.from(r.values).buffer, JSON.stringify(r.metadata ?? {}), now),
			),
		);
	}

	async query(namespace: string, vector: ArrayLike<number>, opts: { topK?: number; filter?: MetadataFilter } = {}): Promise<VectorMatch[]> {
		const topK = Math.min(MAX_TOP_K, opts.topK ?? 5);
		const { results } = await this.db
			.prepare(`SELECT id, "values", metadata FROM vectors WHERE namespace = ? AND model = ? AND dims = ?`)
			.bind(namespace, this.model, vector.length)
			.all<{ id: string; values: unknown; metadata: string }>();
		const matches: VectorMatch[] = [];
		for (const row of results) {
			const metadata = JSON.parse(row.metadata) as Metadata;
			if (!matchesFilter(metadata, opts.filter)) continue;
			matches.push({ id: row.id, score: cosineSimilarity(vector, toFloat32(row.values)), metadata });
		}
		return matches.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, topK);
	}

	async nearest(queries: { namespace: string; vector: ArrayLike<number> }[]): Promise<(VectorMatch | undefined)[]> {
		const rows = await this.namespaceRows([...new Set(queries.map((q) => q.namespace))]);
		return queries.map(({ namespace, vector }) => {
			let norm = 0;
			for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
			const scale = norm === 0 ? 0 : 1 / Math.sqrt(norm);
			let best: VectorMatch | undefined;
			for (const r of rows.get(namespace) ?? []) {
				if (r.unit.length !== vector.length) continue;
				let dot = 0;
				for (let i = 0; i < vector.length; i++) dot += vector[i]! * r.unit[i]!;
				const score = dot * r.scale * scale;
				if (!best || score > best.score || (score === best.score && r.id < best.id)) best = { id: r.id, score, metadata: r.metadata };
			}
			return best;
		});
	}

	private cacheKey(namespace: string): string {
		return `${this.model}\u0000${namespace}`;
	}

	/** Each namespace's vectors: the isolate's copy when its stamp still matches, else read (one D1 batch each way). */
	private async namespaceRows(namespaces: string[]): Promise<Map<string, NamespaceRows["rows"]>> {
		const out = new Map<string, NamespaceRows["rows"]>();
		if (namespaces.length === 0) return out;
		const stamps = await this.db.batch<{ n: number; latest: number; total: number }>(namespaces.map((ns) => this.db.prepare(STAMP).bind(ns, this.model)));
		const stale: { namespace: string; stamp: string }[] = [];
		for (const [i, namespace] of namespaces.entries()) {
			const s = stamps[i]!.results[0]!;
			const stamp = `${s.n}:${s.latest}:${s.total}`;
			const key = this.cacheKey(namespace);
			const hit = cache.get(key);
			if (s.n === 0) out.set(namespace, []);
			else if (hit?.stamp === stamp) {
				cache.delete(key);
				cache.set(key, hit);
				out.set(namespace, hit.rows);
			} else stale.push({ namespace, stamp });
		}
		if (stale.length === 0) return out;
		const read = await this.db.batch<{ id: string; values: unknown; metadata: string }>(
			stale.map(({ namespace }) => this.db.prepare(`SELECT id, "values", metadata FROM vectors WHERE namespace = ? AND model = ?`).bind(namespace, this.model)),
		);
		for (const [i, { namespace, stamp }] of stale.entries()) {
			let rows: RankedRow[] = read[i]!.results.map((r) => ({
				id: r.id,
				unit: normalize(toFloat32(r.values)),
				scale: 1,
				metadata: JSON.parse(r.metadata) as Metadata,
			}));
			const bytes = rows.reduce((sum: number, row) => sum + row.unit.byteLength, 0);
			if (bytes > this.cacheBytes / 4) rows = rows.map(quantized);
			remember(this.cacheKey(namespace), { stamp, rows, bytes: rows.reduce((sum: number, row) => sum + row.unit.byteLength, 0) }, this.cacheBytes);
			out.set(namespace, rows);
		}
		return out;
	}

	async get(ids: string[]): Promise<(VectorRecord & { metadata: Metadata })[]> {
		if (ids.length === 0) return [];
		const { results } = await this.db
			.prepare(`SELECT id, namespace, "values", metadata FROM vectors WHERE id IN (SELECT value FROM json_each(?)) AND model = ?`)
			.bind(JSON.stringify(ids), this.model)
			.all<{ id: string; namespace: string; values: unknown; metadata: string }>();
		return results.map((r) => ({ id: r.id, namespace: r.namespace, values: toFloat32(r.values), metadata: JSON.parse(r.metadata) as Metadata }));
	}

	async deleteByIds(ids: string[]): Promise<void> {
		if (ids.length === 0) return;
		await this.db.prepare("DELETE FROM vectors WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids)).run();
	}
}
