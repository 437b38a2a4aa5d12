import {
	bestPerEvent,
	EVENT_PARTS,
	type EventPart,
	type EventVectorMatch,
	type EventVectorRow,
	type EventVectors,
	type EventVectorSearch,
	type EventVectorStore,
} from "#core/vector-index/event-vectors";
import type { MetadataFilter } from "#core/vector-index/vector-index";

/** What the store uses of a Vectorize binding (EVENT_VECTORS). */
export interface EventVectorizeLike {
	upsert(vectors: VectorizeVector[]): Promise<unknown>;
	query(vector: number[], options?: VectorizeQueryOptions): Promise<VectorizeMatches>;
	getByIds(ids: string[]): Promise<VectorizeVector[]>;
	deleteByIds(ids: string[]): Promise<unknown>;
}

/** Vectorize's limits: 1,000 vectors per upsert, 100 results per query without values, 20 ids per getByIds. */
const UPSERT_BATCH = 1000;
const MAX_TOP_K = 100;
const GET_BATCH = 20;
const DELETE_BATCH = 1000;

/** A vector's id: Vectorize takes at most 64 bytes, so project, event and part are hashed (SHA-256, hex, 64 chars). */
export async function eventVectorId(projectId: string, eventId: string, part: EventPart): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${projectId}\u0000${eventId}\u0000${part}`));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

/**
 * The production store: one Vectorize index (512-d, cosine), a namespace per project, metadata
 * event_id, part, ts and model, with metadata indexes on ts (number), model, part and event_id
 * (string) so search filters by time and model and returns the event (the README's "Deploy to Cloudflare" has the
 * commands). Mutations become visible within seconds; a search may miss an event stored just now.
 */
export class VectorizeEventVectorStore implements EventVectorStore {
	constructor(private readonly index: EventVectorizeLike) {}

	async upsert(projectId: string, rows: EventVectorRow[]): Promise<void> {
		const vectors: VectorizeVector[] = [];
		for (const row of rows) {
			for (const part of EVENT_PARTS) {
				const values = row[part];
				if (!values) continue;
				vectors.push({
					id: await eventVectorId(projectId, row.eventId, part),
					namespace: projectId,
					values: Array.from(values),
					metadata: { event_id: row.eventId, part, ts: row.timestamp, model: row.model },
				});
			}
		}
		for (const batch of chunks(vectors, UPSERT_BATCH)) await this.index.upsert(batch);
	}

	async search(projectId: string, vector: Float32Array, opts: EventVectorSearch): Promise<EventVectorMatch[]> {
		const ts: { $gte?: number; $lt?: number } = {};
		if (opts.from !== undefined) ts.$gte = opts.from;
		if (opts.to !== undefined) ts.$lt = opts.to;
		const filter: MetadataFilter = { model: opts.model, ...(Object.keys(ts).length ? { ts } : {}) };
		// Both parts of an event may match: ask for twice as many parts as events, within Vectorize's cap.
		const result = await this.index.query(Array.from(vector), {
			topK: Math.min(MAX_TOP_K, opts.topK * 2),
			namespace: projectId,
			returnMetadata: "indexed",
			filter: filter as VectorizeVectorMetadataFilter,
		});
		return bestPerEvent(
			result.matches
				.filter((m) => typeof m.metadata?.event_id === "string")
				.map((m) => ({ eventId: m.metadata!.event_id as string, part: m.metadata!.part as EventPart, score: m.score })),
			opts.topK,
		);
	}

	async get(projectId: string, eventIds: string[], model: string): Promise<Map<string, EventVectors>> {
		const out = new Map<string, EventVectors>();
		for (const vector of await this.vectorsOf(projectId, eventIds)) {
			const meta = vector.metadata ?? {};
			if (meta.model !== model || typeof meta.event_id !== "string") continue;
			const vectors = out.get(meta.event_id) ?? {};
			vectors[meta.part as EventPart] = Float32Array.from(vector.values as ArrayLike<number>);
			out.set(meta.event_id, vectors);
		}
		return out;
	}

	async delete(projectId: string, eventIds: string[]): Promise<void> {
		const ids = await Promise.all(eventIds.flatMap((id) => EVENT_PARTS.map((part) => eventVectorId(projectId, id, part))));
		for (const batch of chunks(ids, DELETE_BATCH)) await this.index.deleteByIds(batch);
	}

	async missing(projectId: string, eventIds: string[], model: string): Promise<string[]> {
		const have = new Set((await this.vectorsOf(projectId, eventIds)).filter((v) => v.metadata?.model === model).map((v) => v.metadata?.event_id));
		return eventIds.filter((id) => !have.has(id));
	}

	private async vectorsOf(projectId: string, eventIds: string[]): Promise<VectorizeVector[]> {
		const ids = await Promise.all(eventIds.flatMap((id) => EVENT_PARTS.map((part) => eventVectorId(projectId, id, part))));
		return (await Promise.all(chunks(ids, GET_BATCH).map((batch) => this.index.getByIds(batch)))).flat();
	}
}
