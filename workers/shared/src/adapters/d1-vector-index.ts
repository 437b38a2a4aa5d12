import {
	cosineSimilarity,
	matchesFilter,
	type Metadata,
	type MetadataFilter,
	type VectorIndex,
	type VectorMatch,
	type VectorRecord,
} from "#core/vector-index/vector-index";

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
 * The embedded index for dev and tests: vectors in D1, brute-force cosine per namespace.
 * Fine for the hundreds of issue centroids a project and signal have; Vectorize does the
 * same job at scale in production.
 */
export class D1VectorIndex implements VectorIndex {
	constructor(
		private readonly db: D1Database,
		readonly model: string,
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
						 "values" = excluded."values", metadata = excluded.metadata, updated_at = excluded.updated_at`,
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
		const rows = new Map<string, { id: string; values: Float32Array; metadata: Metadata }[]>();
		for (const namespace of new Set(queries.map((q) => q.namespace))) {
			const { results } = await this.db
				.prepare(`SELECT id, "values", metadata FROM vectors WHERE namespace = ? AND model = ?`)
				.bind(namespace, this.model)
				.all<{ id: string; values: unknown; metadata: string }>();
			rows.set(
				namespace,
				results.map((r) => ({ id: r.id, values: toFloat32(r.values), metadata: JSON.parse(r.metadata) as Metadata })),
			);
		}
		return queries.map(({ namespace, vector }) => {
			let best: VectorMatch | undefined;
			for (const r of rows.get(namespace) ?? []) {
				if (r.values.length !== vector.length) continue;
				const score = cosineSimilarity(vector, r.values);
				if (!best || score > best.score || (score === best.score && r.id < best.id)) best = { id: r.id, score, metadata: r.metadata };
			}
			return best;
		});
	}

	async deleteByIds(ids: string[]): Promise<void> {
		if (ids.length === 0) return;
		await this.db.prepare("DELETE FROM vectors WHERE id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids)).run();
	}
}
