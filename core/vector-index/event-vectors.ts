/**
 * Every stored event's sentence vectors (its input's and its output's), kept as the event is
 * stored, so search by meaning ranks a project's every event and a model can score events from
 * their vectors without embedding them again. Vectorize in production, D1 in dev and tests.
 * Vectors of different models never compare: each row says its model, and every read names one.
 */
export type EventPart = "input" | "output";
export const EVENT_PARTS = ["input", "output"] as const satisfies readonly EventPart[];

export interface EventVectors {
	input?: Float32Array;
	output?: Float32Array;
}

export interface EventVectorRow extends EventVectors {
	eventId: string;
	/** The event's timestamp (ms): search's time range reads it. */
	timestamp: number;
	/** The embedder that made the vectors. */
	model: string;
}

export interface EventVectorMatch {
	eventId: string;
	/** Cosine similarity of the event's closest part. */
	score: number;
	/** Which part was closest. */
	part: EventPart;
}

export interface EventVectorSearch {
	topK: number;
	/** Time range of the events, ms: from inclusive, to exclusive. */
	from?: number;
	to?: number;
	model: string;
}

export interface EventVectorStore {
	/** Inserts or replaces the given parts of each event (a part left out is left as it was). */
	upsert(projectId: string, rows: EventVectorRow[]): Promise<void>;
	/** The events closest to `vector`, best first; an event's score is its best part's, each event once. */
	search(projectId: string, vector: Float32Array, opts: EventVectorSearch): Promise<EventVectorMatch[]>;
	/** The stored vectors of these events (of `model`); an event without any is absent from the map. */
	get(projectId: string, eventIds: string[], model: string): Promise<Map<string, EventVectors>>;
	delete(projectId: string, eventIds: string[]): Promise<void>;
	/** Which of these events have no vector of `model` stored (what a backfill embeds). */
	missing(projectId: string, eventIds: string[], model: string): Promise<string[]>;
}

/** Bytes of a sign code: one bit per dimension (512-d vectors: 64 bytes). */
export const codeBytes = (dimensions: number) => Math.ceil(dimensions / 8);

/**
 * One bit per dimension, set where the value is positive: the Hamming distance between two codes
 * estimates the angle between their vectors (random-hyperplane hashing with the axes as planes),
 * good enough to shortlist candidates that an exact cosine then ranks.
 */
export function signCode(vector: ArrayLike<number>): Uint8Array {
	const code = new Uint8Array(codeBytes(vector.length));
	for (let i = 0; i < vector.length; i++) if (vector[i]! > 0) code[i >> 3]! |= 1 << (i & 7);
	return code;
}

/** Set bits of a 32-bit word (SWAR). */
export function popcount32(x: number): number {
	x -= (x >>> 1) & 0x55555555;
	x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
	return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The indexes of the `k` smallest distances (ties broken by lower index), by a counting pass over
 * the distance histogram: linear in the number of rows, no sort of them.
 */
export function smallestK(distances: Uint16Array, count: number, k: number, maxDistance: number, skip?: (i: number) => boolean): number[] {
	const histogram = new Uint32Array(maxDistance + 2);
	for (let i = 0; i < count; i++) if (!skip?.(i)) histogram[distances[i]!]!++;
	let cut = 0;
	let seen = 0;
	for (; cut <= maxDistance && seen + histogram[cut]! < k; cut++) seen += histogram[cut]!;
	const below: number[] = [];
	const at: number[] = [];
	for (let i = 0; i < count; i++) {
		if (skip?.(i)) continue;
		const d = distances[i]!;
		if (d < cut) below.push(i);
		else if (d === cut && at.length < k - seen) at.push(i);
	}
	return [...below, ...at];
}

/** Best match per event, best first, at most topK: an event's score is its closest part's. */
export function bestPerEvent(matches: EventVectorMatch[], topK: number): EventVectorMatch[] {
	const best = new Map<string, EventVectorMatch>();
	for (const m of matches) {
		const seen = best.get(m.eventId);
		if (!seen || m.score > seen.score) best.set(m.eventId, m);
	}
	return [...best.values()].sort((a, b) => b.score - a.score || (a.eventId < b.eventId ? -1 : 1)).slice(0, topK);
}
