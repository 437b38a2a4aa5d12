import {
	bestPerEvent,
	codeBytes,
	EVENT_PARTS,
	type EventPart,
	type EventVectorMatch,
	type EventVectorRow,
	type EventVectors,
	type EventVectorSearch,
	type EventVectorStore,
	popcount32,
	signCode,
	smallestK,
} from "#core/vector-index/event-vectors";
import { cosineSimilarity } from "#core/vector-index/vector-index";
import { toFloat32 } from "./d1-vector-index";

/**
 * Parts shortlisted by their codes for an exact cosine; a search asking for more shortlists 2x its topK.
 * Reading the shortlist's float vectors from D1 is most of a search's time (~2 KB each).
 */
export const SHORTLIST = 400;
/** Rows of codes read per query while a project's cache catches up. */
const LOAD_PAGE = 20_000;
/** Statements per D1 batch when upserting (two per part). */
const UPSERT_ROWS_PER_BATCH = 200;

const SELECT_CODES = "SELECT seq, timestamp, model, code FROM event_vectors WHERE project_id = ? AND seq > ? ORDER BY seq LIMIT ?";
const SELECT_SHORTLIST = `SELECT seq, event_id, part, vector FROM event_vectors WHERE project_id = ? AND seq IN (SELECT value FROM json_each(?))`;
const SELECT_OF_EVENTS = `SELECT event_id, part, vector FROM event_vectors WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?)) AND model = ?`;
const SELECT_HAVING = `SELECT DISTINCT event_id FROM event_vectors WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?)) AND model = ?`;
const DELETE_PART = "DELETE FROM event_vectors WHERE project_id = ? AND event_id = ? AND part = ? AND model = ?";
const INSERT_PART = "INSERT INTO event_vectors (project_id, event_id, part, model, timestamp, code, vector) VALUES (?, ?, ?, ?, ?, ?, ?)";
const DELETE_EVENTS = `DELETE FROM event_vectors WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?))`;

/**
 * One project's codes as this isolate last read them: parallel typed arrays (no object per row),
 * grown by doubling, appended from the rows past `lastSeq`. A row deleted in D1 stays here until a
 * search shortlists it, finds it gone, and marks it dead.
 */
class ProjectCodes {
	count = 0;
	lastSeq = 0;
	seqs = new Float64Array(1024);
	timestamps = new Float64Array(1024);
	models = new Uint8Array(1024);
	dead = new Uint8Array(1024);
	codes: Uint32Array;
	readonly modelNames: string[] = [];
	readonly words: number;
	constructor(readonly bytes: number) {
		// Each code takes whole 32-bit words (the tail of a code whose dimensions are not a multiple of 32 stays 0).
		this.words = Math.ceil(bytes / 4);
		this.codes = new Uint32Array(1024 * this.words);
	}

	append(seq: number, timestamp: number, model: string, code: Uint8Array): void {
		if (this.count === this.seqs.length) this.grow();
		let m = this.modelNames.indexOf(model);
		if (m < 0) m = this.modelNames.push(model) - 1;
		const i = this.count++;
		this.seqs[i] = seq;
		this.timestamps[i] = timestamp;
		this.models[i] = m;
		// Codes are copied byte-wise into the word array: a D1 blob's offset need not be 4-aligned.
		new Uint8Array(this.codes.buffer, i * this.words * 4, this.bytes).set(code.subarray(0, this.bytes));
		this.lastSeq = seq;
	}

	private grow(): void {
		const n = this.seqs.length * 2;
		const grown = <T extends Float64Array | Uint8Array | Uint32Array>(a: T, size: number): T => {
			const b = new (a.constructor as new (n: number) => T)(size);
			b.set(a);
			return b;
		};
		this.seqs = grown(this.seqs, n);
		this.timestamps = grown(this.timestamps, n);
		this.models = grown(this.models, n);
		this.dead = grown(this.dead, n);
		this.codes = grown(this.codes, n * this.words);
	}
}

/**
 * Per isolate and project (a worker has one database): an isolate serves many searches of a project.
 * Keyed by the env's D1 object would be no better: workerd may hand each request a new one.
 */
const caches = new Map<string, ProjectCodes>();

const bytesOf = (raw: unknown): Uint8Array =>
	raw instanceof ArrayBuffer
		? new Uint8Array(raw)
		: ArrayBuffer.isView(raw)
			? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
			: Uint8Array.from(raw as number[]);

/**
 * The embedded store (dev, tests, local benches). A search scans the project's sign codes in memory
 * (Hamming distance, 16 words per 512-d code), shortlists SHORTLIST parts, and ranks those by exact
 * cosine on their float32 vectors read from D1 by seq: deleted rows drop out there. 100,000 events
 * (200,000 parts) are ~13 MB of codes per isolate and a ~10 ms scan.
 */
export class D1EventVectorStore implements EventVectorStore {
	constructor(private readonly db: D1Database) {}

	async upsert(projectId: string, rows: EventVectorRow[]): Promise<void> {
		const statements: D1PreparedStatement[] = [];
		for (const row of rows) {
			for (const part of EVENT_PARTS) {
				const vector = row[part];
				if (!vector) continue;
				// A replaced part is a new row (a new seq), so every isolate's cache loads its new code.
				statements.push(
					this.db.prepare(DELETE_PART).bind(projectId, row.eventId, part, row.model),
					this.db.prepare(INSERT_PART).bind(projectId, row.eventId, part, row.model, row.timestamp, signCode(vector).buffer, Float32Array.from(vector).buffer),
				);
			}
		}
		for (let i = 0; i < statements.length; i += UPSERT_ROWS_PER_BATCH * 2) await this.db.batch(statements.slice(i, i + UPSERT_ROWS_PER_BATCH * 2));
	}

	async search(projectId: string, vector: Float32Array, opts: EventVectorSearch): Promise<EventVectorMatch[]> {
		const codes = await this.codesOf(projectId, codeBytes(vector.length));
		const model = codes.modelNames.indexOf(opts.model);
		if (model < 0 || codes.count === 0) return [];
		const query = new Uint32Array(codes.words);
		new Uint8Array(query.buffer).set(signCode(vector));
		const from = opts.from ?? Number.NEGATIVE_INFINITY;
		const to = opts.to ?? Number.POSITIVE_INFINITY;
		const { count, words, timestamps, models, dead } = codes;
		const all = codes.codes;
		const distances = new Uint16Array(count);
		const skip = new Uint8Array(count);
		for (let i = 0; i < count; i++) {
			const t = timestamps[i]!;
			if (dead[i] || models[i] !== model || t < from || t >= to) {
				skip[i] = 1;
				continue;
			}
			let d = 0;
			for (let w = 0, o = i * words; w < words; w++, o++) d += popcount32(all[o]! ^ query[w]!);
			distances[i] = d;
		}
		const shortlist = smallestK(distances, count, Math.max(SHORTLIST, opts.topK * 2), words * 32, (i) => skip[i] === 1);
		if (shortlist.length === 0) return [];
		const indexOfSeq = new Map(shortlist.map((i) => [codes.seqs[i]!, i]));
		const { results } = await this.db
			.prepare(SELECT_SHORTLIST)
			.bind(projectId, JSON.stringify([...indexOfSeq.keys()]))
			.all<{ seq: number; event_id: string; part: EventPart; vector: unknown }>();
		const found = new Set<number>();
		const matches = results.map((r) => {
			found.add(r.seq);
			return { eventId: r.event_id, part: r.part, score: cosineSimilarity(vector, toFloat32(r.vector)) };
		});
		for (const [seq, i] of indexOfSeq) if (!found.has(seq)) dead[i] = 1;
		return bestPerEvent(matches, opts.topK);
	}

	async get(projectId: string, eventIds: string[], model: string): Promise<Map<string, EventVectors>> {
		const out = new Map<string, EventVectors>();
		if (eventIds.length === 0) return out;
		const { results } = await this.db
			.prepare(SELECT_OF_EVENTS)
			.bind(projectId, JSON.stringify(eventIds), model)
			.all<{ event_id: string; part: EventPart; vector: unknown }>();
		for (const r of results) {
			const vectors = out.get(r.event_id) ?? {};
			vectors[r.part] = toFloat32(r.vector);
			out.set(r.event_id, vectors);
		}
		return out;
	}

	async delete(projectId: string, eventIds: string[]): Promise<void> {
		if (eventIds.length) await this.db.prepare(DELETE_EVENTS).bind(projectId, JSON.stringify(eventIds)).run();
	}

	async missing(projectId: string, eventIds: string[], model: string): Promise<string[]> {
		if (eventIds.length === 0) return [];
		const { results } = await this.db.prepare(SELECT_HAVING).bind(projectId, JSON.stringify(eventIds), model).all<{ event_id: string }>();
		const have = new Set(results.map((r) => r.event_id));
		return eventIds.filter((id) => !have.has(id));
	}

	/** The project's codes, caught up with D1: rows past the last seq this isolate read. */
	private async codesOf(projectId: string, bytes: number): Promise<ProjectCodes> {
		let codes = caches.get(projectId);
		if (!codes || codes.bytes !== bytes) caches.set(projectId, (codes = new ProjectCodes(bytes)));
		for (;;) {
			const results = await this.db.prepare(SELECT_CODES).bind(projectId, codes.lastSeq, LOAD_PAGE).raw<[number, number, string, unknown]>();
			for (const [seq, timestamp, model, code] of results) codes.append(seq, timestamp, model, bytesOf(code));
			if (results.length < LOAD_PAGE) return codes;
		}
	}
}
