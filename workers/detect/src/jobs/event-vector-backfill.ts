import { sentenceEncoder } from "#shared/adapters/sentence-encoder";
import { eventVectorStore } from "#shared/adapters/event-vector-store";
import type { JobRow } from "#shared/stores/job-store";
import type { DetectBindings } from "../ingest-batch/consume-batch";
import type { JobSlice } from "./job-kinds";

/** Events read per slice: up to twice as many texts for the encoder (~200 short texts/s), a few seconds. */
export const BACKFILL_EVENTS_PER_SLICE = 100;

const PAGE = `SELECT event_id, timestamp, input, output FROM events WHERE project_id = ?1
	AND (?2 IS NULL OR timestamp < ?2 OR (timestamp = ?2 AND event_id < ?3)) ORDER BY timestamp DESC, event_id DESC LIMIT ?4`;
const COUNT = "SELECT count(*) AS n FROM events WHERE project_id = ?";

/**
 * The `event_vectors` job: walks the project's stored events, newest first (recent events are the
 * ones searched most), embeds the input and output of those without vectors, and stores them. The
 * cursor is the last (timestamp, event_id) handled; events stored meanwhile got their vectors from
 * the consumer, and an event that failed there is found by the next backfill.
 */
export async function eventVectorBackfill(env: DetectBindings, job: JobRow): Promise<JobSlice> {
	const total = job.total ?? (await env.DB.prepare(COUNT).bind(job.project_id).first<{ n: number }>())?.n ?? 0;
	const [ts, id] = job.cursor ? (JSON.parse(job.cursor) as [number, string]) : [null, null];
	const { results: events } = await env.DB.prepare(PAGE)
		.bind(job.project_id, ts, id, BACKFILL_EVENTS_PER_SLICE)
		.all<{ event_id: string; timestamp: number; input: string | null; output: string | null }>();
	const last = events.at(-1);
	if (!last) return { cursor: job.cursor, done: job.done, total, finished: true };
	const encoder = await sentenceEncoder(env);
	const store = eventVectorStore(env);
	const lacking = new Set(
		await store.missing(
			job.project_id,
			events.map((e) => e.event_id),
			encoder.model,
		),
	);
	const todo = events.filter((e) => lacking.has(e.event_id) && (e.input?.trim() || e.output?.trim()));
	const texts = [...new Set(todo.flatMap((e) => [e.input, e.output].filter((t): t is string => !!t?.trim())))];
	const vectors = texts.length ? await encoder.embed(texts) : [];
	const byText = new Map(texts.map((t, i) => [t, vectors[i]!]));
	const vectorOf = (t: string | null) => (t?.trim() ? byText.get(t) : undefined);
	await store.upsert(
		job.project_id,
		todo.map((e) => ({ eventId: e.event_id, timestamp: e.timestamp, model: encoder.model, input: vectorOf(e.input), output: vectorOf(e.output) })),
	);
	const done = job.done + events.length;
	return {
		cursor: JSON.stringify([last.timestamp, last.event_id]),
		done,
		// Events stored after the count (older timestamps arriving late) may take `done` past it.
		total: Math.max(total, done),
		finished: events.length < BACKFILL_EVENTS_PER_SLICE,
	};
}
