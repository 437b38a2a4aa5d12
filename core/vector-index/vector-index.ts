/**
 * The vector index port of issue and intent centres: a D1-backed brute-force index (production, dev
 * and tests), with Vectorize's semantics. Namespaces keep one project's (and one signal's) vectors
 * apart; vectors from different embedding models never share an index.
 */
export type MetadataValue = string | number | boolean;
export type Metadata = Record<string, MetadataValue>;
type Scalar = MetadataValue | null;
type Range = { $gt?: number | string; $gte?: number | string; $lt?: number | string; $lte?: number | string };
export type MetadataFilter = Record<string, Scalar | ({ $eq?: Scalar; $ne?: Scalar; $in?: Scalar[]; $nin?: Scalar[] } & Range)>;

export interface VectorRecord {
	id: string;
	namespace: string;
	values: ArrayLike<number>;
	metadata?: Metadata;
}

export interface VectorMatch {
	id: string;
	/** Cosine similarity. */
	score: number;
	metadata: Metadata;
}

export interface VectorIndex {
	/** The embedding model whose vectors this index holds. */
	readonly model: string;
	/** Inserts or replaces whole records (values and metadata), like Vectorize's upsert. */
	upsert(records: VectorRecord[]): Promise<void>;
	query(namespace: string, vector: ArrayLike<number>, opts?: { topK?: number; filter?: MetadataFilter }): Promise<VectorMatch[]>;
	/** The best match (or none) for each query, in order; one read per namespace where the backend allows. */
	nearest(queries: { namespace: string; vector: ArrayLike<number> }[]): Promise<(VectorMatch | undefined)[]>;
	/** The stored records of these ids (values and metadata), in no particular order; unknown ids are left out. */
	get(ids: string[]): Promise<(VectorRecord & { metadata: Metadata })[]>;
	deleteByIds(ids: string[]): Promise<void>;
}

/**
 * Vectorize's metadata filter semantics: equality shorthand, $eq, $ne, $in, $nin, and the ranges $gt, $gte, $lt,
 * $lte (a missing value or one of another type is outside any range); all conditions must hold.
 */
export function matchesFilter(metadata: Metadata, filter: MetadataFilter | undefined): boolean {
	if (!filter) return true;
	for (const [field, condition] of Object.entries(filter)) {
		const value = metadata[field] ?? null;
		if (condition === null || typeof condition !== "object") {
			if (value !== condition) return false;
			continue;
		}
		if ("$eq" in condition && value !== condition.$eq) return false;
		if ("$ne" in condition && value === condition.$ne) return false;
		if (condition.$in && !condition.$in.includes(value)) return false;
		if (condition.$nin?.includes(value)) return false;
		if (!inRange(value, condition)) return false;
	}
	return true;
}

function inRange(value: Scalar, range: Range): boolean {
	for (const [op, bound] of Object.entries(range) as [keyof Range, number | string | undefined][]) {
		if (bound === undefined || !["$gt", "$gte", "$lt", "$lte"].includes(op)) continue;
		if (value === null || typeof value !== typeof bound) return false;
		const v = value as number | string;
		if ((op === "$gt" && !(v > bound)) || (op === "$gte" && !(v >= bound)) || (op === "$lt" && !(v < bound)) || (op === "$lte" && !(v <= bound))) return false;
	}
	return true;
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let dot = 0,
		na = 0,
		nb = 0;
	for (let i = 0; i < a.length; i++) {
		dot += a[i]! * b[i]!;
		na += a[i]! * a[i]!;
		nb += b[i]! * b[i]!;
	}
	return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
