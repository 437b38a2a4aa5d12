import type { EventMessage } from "#core/queue-messages";
import { sentenceEncoder } from "#shared/adapters/sentence-encoder";
import { eventVectorStore } from "#shared/adapters/event-vector-store";
import { loadDeepSearchSignals, matchDeepSearches } from "#shared/stores/deep-search-signals";
import type { JobRow } from "#shared/stores/job-store";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "#db/schema";
import { type DetectBindings, issuePorts, runBatch } from "../ingest-batch/consume-batch";
import { deepSearchDetection, detectionRowWrites, flaggedOf } from "../ingest-batch/detection-writes";
import { type FlaggedEvent, groupFlaggedEvents } from "../issues/issue-grouping";
import type { Write } from "../ingest-batch/message-writes";
import type { JobSlice } from "./job-kinds";

/** Events per slice: their vectors read (or embedded, for events the vector backfill has not reached), scored, written. */
const SLICE = 200;

const PAGE = `SELECT event_id, user_id, convo_id, timestamp, received_at, input, output, properties FROM events
	WHERE project_id = ?1 AND (timestamp > ?2 OR (timestamp = ?2 AND event_id > ?3)) ORDER BY timestamp, event_id LIMIT ${SLICE}`;
const COUNT = "SELECT count(*) AS n FROM events WHERE project_id = ?";

interface EventRow {
	received_at: number;
	event_id: string;
	user_id: string;
	convo_id: string | null;
	timestamp: number;
	input: string | null;
	output: string | null;
	properties: string;
}

/**
 * A saved deep search over the events stored before it was saved (kind `deep_search`, params
 * `{ search_id }`): oldest first, by the (timestamp, event_id) index, scored by the search's live
 * version, written as the consumer writes a detection (idempotent: a redone slice adds nothing),
 * then grouped into issues. A search deleted or unsaved meanwhile ends the job.
 */
export async function deepSearchBackfill(env: DetectBindings, job: JobRow): Promise<JobSlice> {
	const { search_id: searchId } = JSON.parse(job.params) as { search_id: string };
	const signal = (await loadDeepSearchSignals(env.DB, [job.project_id])).get(job.project_id)?.find((s) => s.searchId === searchId);
	if (!signal) return { cursor: job.cursor, done: job.done, total: job.total, finished: true };
	const total = job.total ?? (await env.DB.prepare(COUNT).bind(job.project_id).first<{ n: number }>())?.n ?? 0;
	const after = job.cursor ? (JSON.parse(job.cursor) as { t: number; id: string }) : { t: -Number.MAX_SAFE_INTEGER, id: "" };
	const { results: rows } = await env.DB.prepare(PAGE).bind(job.project_id, after.t, after.id).all<EventRow>();
	if (rows.length === 0) return { cursor: job.cursor, done: job.done, total, finished: true };

	const encoder = await sentenceEncoder(env);
	const store = eventVectorStore(env);
	const vectors = await store.get(
		job.project_id,
		rows.map((r) => r.event_id),
		encoder.model,
	);
	const missing = rows.filter((r) => !vectors.has(r.event_id) && (r.input?.trim() || r.output?.trim()));
	if (missing.length) {
		const embedded = await encoder.embed(missing.flatMap((r) => [r.input?.trim() ? r.input : " ", r.output?.trim() ? r.output : " "]));
		const fresh = missing.map((r, i) => ({
			eventId: r.event_id,
			timestamp: r.timestamp,
			model: encoder.model,
			...(r.input?.trim() ? { input: embedded[2 * i]! } : {}),
			...(r.output?.trim() ? { output: embedded[2 * i + 1]! } : {}),
		}));
		await store.upsert(job.project_id, fresh);
		for (const f of fresh) vectors.set(f.eventId, f);
	}

	const db = drizzle(env.DB, { schema });
	const writes: Write[] = [];
	const flagged: FlaggedEvent[] = [];
	for (const r of rows) {
		const [hit] = matchDeepSearches([signal], vectors.get(r.event_id) ?? {}, encoder);
		if (!hit) continue;
		const event = {
			event_id: r.event_id,
			user_id: r.user_id,
			convo_id: r.convo_id,
			timestamp: r.timestamp,
			input: r.input,
			output: r.output,
			properties: JSON.parse(r.properties) as Record<string, unknown>,
		} as EventMessage["event"];
		const d = deepSearchDetection(hit);
		writes.push(...detectionRowWrites(db, job.project_id, r.received_at, event, d));
		if (d.negative) flagged.push(...flaggedOf(job.project_id, event, d));
	}
	if (writes.length) await runBatch(db, writes);
	if (flagged.length) await groupFlaggedEvents(await issuePorts(env), flagged);
	const last = rows.at(-1)!;
	return { cursor: JSON.stringify({ t: last.timestamp, id: last.event_id }), done: job.done + rows.length, total, finished: rows.length < SLICE };
}
