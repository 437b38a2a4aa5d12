import type { Embedder } from "#core/embedding/embedder";
import { eventFeatures } from "#core/deep-search/loop";
import type { Candidate } from "#core/deep-search/types";
import { textSearchQuery } from "#core/text-search-query";
import type { EventVectorStore } from "#core/vector-index/event-vectors";
import { TEXT_RANK_DEPTH } from "../reads/event-text-search";
import type { MatchChecker } from "./llm-match-check";

// A deep search's pool: the candidates its definition draws by meaning and by words, read with their features.

export interface LoopPorts {
	db: D1Database;
	vectors: EventVectorStore;
	encoder: Embedder;
	/** The LLM match check (production: Workers AI); without one, the encoder's scorer gives verdicts. */
	checker?: MatchChecker;
}

/** How many events the definition draws by meaning, and by its words. */
const POOL_BY_MEANING = 200;
const POOL_BY_WORDS = 100;
/** Of each candidate's input and output, what the loop and its reasons read. */
const SNIPPET_CHARS = 400;

export interface PoolEvent extends Candidate {
	timestamp: number;
	userId: string;
	input: string | null;
	output: string | null;
}

const EVENT_TEXTS = `SELECT event_id, timestamp, user_id, substr(input, 1, ${SNIPPET_CHARS}) AS input, substr(output, 1, ${SNIPPET_CHARS}) AS output
	FROM events WHERE project_id = ? AND event_id IN (SELECT value FROM json_each(?))`;

/**
 * The pool's events with their features: vectors from the event vector store; an event stored
 * before its vectors were (the backfill has not reached it) is embedded here once and written to
 * the store. Events deleted since they joined the pool drop out.
 */
export async function poolEvents(ports: LoopPorts, projectId: string, ids: string[]): Promise<PoolEvent[]> {
	if (ids.length === 0) return [];
	const { results } = await ports.db
		.prepare(EVENT_TEXTS)
		.bind(projectId, JSON.stringify(ids))
		.all<{ event_id: string; timestamp: number; user_id: string; input: string | null; output: string | null }>();
	const stored = await ports.vectors.get(
		projectId,
		results.map((r) => r.event_id),
		ports.encoder.model,
	);
	const missing = results.filter((r) => !stored.has(r.event_id) && (r.input?.trim() || r.output?.trim()));
	if (missing.length) {
		const texts = missing.flatMap((r) => [r.input ?? "", r.output ?? ""]);
		const vectors = await ports.encoder.embed(texts);
		const rows = missing.map((r, i) => ({
			eventId: r.event_id,
			timestamp: r.timestamp,
			model: ports.encoder.model,
			input: r.input?.trim() ? vectors[2 * i] : undefined,
			output: r.output?.trim() ? vectors[2 * i + 1] : undefined,
		}));
		for (const row of rows) stored.set(row.eventId, { input: row.input, output: row.output });
		await ports.vectors.upsert(projectId, rows);
	}
	const dims = ports.encoder.dimensions;
	const order = new Map(ids.map((id, i) => [id, i]));
	return results
		.filter((r) => stored.has(r.event_id))
		.sort((a, b) => order.get(a.event_id)! - order.get(b.event_id)!)
		.map((r) => {
			const v = stored.get(r.event_id)!;
			return {
				id: r.event_id,
				features: eventFeatures(v.input, v.output, dims),
				text: [r.input, r.output].filter(Boolean).join("\n"),
				timestamp: r.timestamp,
				userId: r.user_id,
				input: r.input,
				output: r.output,
			};
		});
}

/** The definition's content words as an OR query over the full-text index (its words, not its phrasing). */
function wordsQuery(definition: string): string | undefined {
	const words = [...new Set(definition.toLowerCase().match(/\p{L}[\p{L}\p{N}']{3,}/gu) ?? [])].slice(0, 24);
	if (words.length === 0) return undefined;
	const parsed = textSearchQuery(words.join(" OR "));
	return "match" in parsed ? parsed.match : undefined;
}

/**
 * The best by bm25 among the project's TEXT_RANK_DEPTH matches stored last in the range, as text search ranks them
 * (FTS5 walks its postings newest first for the ORDER BY beside the LIMIT; SQLite drops one inside the join).
 */
export const BY_WORDS = `SELECT event_id FROM (SELECT e.event_id, m0.rank FROM (SELECT rowid AS id, bm25(events_fts) AS rank FROM events_fts WHERE events_fts MATCH ?) m0
	CROSS JOIN events e ON e.rowid = m0.id WHERE e.project_id = ? AND e.timestamp >= ? AND e.timestamp < ? ORDER BY m0.id DESC LIMIT ${TEXT_RANK_DEPTH}) ORDER BY rank LIMIT ${POOL_BY_WORDS}`;

/** Candidates by meaning (every stored event's vectors) and by words (FTS5), de-duplicated. */
export async function drawPool(ports: LoopPorts, projectId: string, definition: string, vector: Float32Array, range: { from?: number; to?: number }) {
	const byMeaning = await ports.vectors.search(projectId, vector, { topK: POOL_BY_MEANING, model: ports.encoder.model, from: range.from, to: range.to });
	const match = wordsQuery(definition);
	const byWords = match
		? (
				await ports.db
					.prepare(BY_WORDS)
					.bind(match, projectId, range.from ?? 0, range.to ?? Number.MAX_SAFE_INTEGER)
					.all<{ event_id: string }>()
			).results.map((r) => r.event_id)
		: [];
	const source = new Map<string, "meaning" | "text" | "both">();
	for (const m of byMeaning) source.set(m.eventId, "meaning");
	for (const id of byWords) source.set(id, source.has(id) ? "both" : "text");
	return [...source].map(([eventId, s]) => ({ eventId, source: s }));
}
