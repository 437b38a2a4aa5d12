import type { Metadata, MetadataFilter, VectorIndex, VectorMatch, VectorRecord } from "#core/vector-index/vector-index";

/** What the adapter uses of a Vectorize binding; `wrangler types` may name it Vectorize or VectorizeIndex. */
export interface VectorizeLike {
	upsert(vectors: VectorizeVector[]): Promise<unknown>;
	query(vector: number[], options?: VectorizeQueryOptions): Promise<VectorizeMatches>;
	deleteByIds(ids: string[]): Promise<unknown>;
}

/** Vectorize takes at most 1,000 vectors per upsert call. */
const UPSERT_BATCH = 1000;

/**
 * The production index. Vectorize mutations are asynchronous (visible within seconds), which
 * the clustering tolerates: a vector not yet visible only means a near-duplicate candidate,
 * merged by the next refinement pass.
 */
export class VectorizeVectorIndex implements VectorIndex {
	constructor(
		private readonly index: VectorizeLike,
		readonly model: string,
	) {}

	async upsert(records: VectorRecord[]): Promise<void> {
		for (let i = 0; i < records.length; i += UPSERT_BATCH) {
			await this.index.upsert(
				records.slice(i, i + UPSERT_BATCH).map((r) => ({ id: r.id, namespace: r.namespace, values: Array.from(r.values), metadata: r.metadata ?? {} })),
			);
		}
	}

	async query(namespace: string, vector: ArrayLike<number>, opts: { topK?: number; filter?: MetadataFilter } = {}): Promise<VectorMatch[]> {
		const result = await this.index.query(Array.from(vector), {
			topK: opts.topK ?? 5,
			namespace,
			returnMetadata: "all",
			...(opts.filter ? { filter: opts.filter as VectorizeVectorMetadataFilter } : {}),
		});
		return result.matches.map((m) => ({ id: m.id, score: m.score, metadata: (m.metadata ?? {}) as Metadata }));
	}

	async nearest(queries: { namespace: string; vector: ArrayLike<number> }[]): Promise<(VectorMatch | undefined)[]> {
		return Promise.all(queries.map(async (q) => (await this.query(q.namespace, q.vector, { topK: 1 }))[0]));
	}

	async deleteByIds(ids: string[]): Promise<void> {
		if (ids.length) await this.index.deleteByIds(ids);
	}
}
