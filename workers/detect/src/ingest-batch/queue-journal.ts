import { type PayloadRef, payloadRefOf, queueMessageSchema } from "#core/queue-messages";

/** A journal row older than this was not consumed in time: its queue message is presumed lost. */
export const JOURNAL_RESEND_AFTER_MS = 60_000;
/** Rows re-sent per pass, so one pass stays short; a long journal drains over several passes. */
const RESEND_PER_PASS = 2_000;
const SEND_BATCH = 100;

function parseJson(s: string): unknown {
	try {
		return JSON.parse(s);
	} catch {
		return null;
	}
}

export interface JournalEnv {
	DB: D1Database;
	EVENTS_QUEUE?: Queue<PayloadRef>;
	QUEUE_JOURNAL?: string;
}

/**
 * Local durability (`QUEUE_JOURNAL = "d1"`): ingest parks every message in queued_payloads before
 * answering 202, and the consumer deletes the row in the D1 batch that stores it. A row still there
 * after `olderThanMs` lost its queue message (miniflare's queue is in memory: a killed process loses
 * it), so its reference is sent again. A message merely slow in a backlog is then delivered twice,
 * which stores nothing twice (events and signals are keyed by their ids). `npm start` runs a pass with
 * `olderThanMs = 0` when it starts (nothing can be in flight in a queue that was just created), and
 * the minute cron runs one with the default age.
 */
export async function resendJournal(env: JournalEnv, now: number, olderThanMs = JOURNAL_RESEND_AFTER_MS): Promise<{ resent: number; unreadable: number }> {
	if (env.QUEUE_JOURNAL !== "d1" || !env.EVENTS_QUEUE) return { resent: 0, unreadable: 0 };
	const { results } = await env.DB.prepare("SELECT id, body FROM queued_payloads WHERE created_at <= ? ORDER BY created_at LIMIT ?")
		.bind(now - olderThanMs, RESEND_PER_PASS)
		.all<{ id: string; body: string }>();
	let resent = 0;
	let unreadable = 0;
	for (let i = 0; i < results.length; i += SEND_BATCH) {
		const rows = results.slice(i, i + SEND_BATCH);
		const refs: PayloadRef[] = [];
		for (const row of rows) {
			// Ingest wrote these bodies after validating them; one that no longer parses is left where it is and counted.
			const parsed = queueMessageSchema.safeParse(parseJson(row.body));
			if (parsed.success) refs.push(payloadRefOf(parsed.data));
			else unreadable++;
		}
		if (refs.length) await env.EVENTS_QUEUE.sendBatch(refs.map((body) => ({ body, contentType: "json" })));
		// Re-sent now: the next pass waits the full age again before sending these a third time.
		await env.DB.prepare("UPDATE queued_payloads SET created_at = ? WHERE id IN (SELECT value FROM json_each(?))")
			.bind(now, JSON.stringify(rows.map((r) => r.id)))
			.run();
		resent += refs.length;
	}
	return { resent, unreadable };
}
