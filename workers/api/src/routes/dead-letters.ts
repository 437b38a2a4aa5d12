import { Hono } from "hono";
import type { DeadLetter, DeadLetterPage, ReplayResponse } from "#core/api/dead-letters";
import { decodeCursor, encodeCursor } from "#core/event-query";
import { chunkForSendBatch } from "#core/queue-batching";
import { queueMessageSchema } from "#core/queue-messages";
import { enqueue, enqueueOptions } from "#shared/queue/enqueue";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import { countDeadLetters, deadLettersByIds, deleteDeadLetters, listDeadLetters, oldestDeadLetters, type DeadLetterRow } from "../stores/dead-letter-store";
import { intQuery } from "../http/query-params";
import { requireAdmin } from "../http/require-admin";

/** Ids per replay request, and rows read per round of `all` (also under D1's 100 bound parameters). */
export const DEAD_LETTER_REPLAY_MAX_IDS = 100;
const ROUND = 90;
/** `all` replays at most this many rounds per request; `remaining` tells the caller to call again. */
const MAX_ROUNDS = 20;

const parseBody = (text: string): unknown => {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
};

const view = (r: DeadLetterRow): DeadLetter => ({
	id: r.id,
	queue: r.queue,
	reason: r.reason,
	attempts: r.attempts,
	received_at: new Date(r.received_at).toISOString(),
	body: parseBody(r.body),
});

const badBody = (field: string, message: string) => new ApiError(400, "invalid_body", "The replay request is not valid.", [{ field, message }]);

/** `{ ids: [...] }` or `{ all: true }`, exactly one of them. */
function parseReplay(body: unknown): { ids: string[] } | { all: true } {
	if (typeof body !== "object" || body === null || Array.isArray(body)) throw badBody("ids", 'send an object: { "ids": [...] } or { "all": true }');
	const b = body as Record<string, unknown>;
	if ("ids" in b && "all" in b) throw badBody("all", "give either ids or all, not both");
	if ("all" in b) {
		if (b.all !== true) throw badBody("all", "must be true (or send ids instead)");
		return { all: true };
	}
	if (!("ids" in b)) throw badBody("ids", 'is required: an array of dead letter ids, or send { "all": true }');
	const ids = b.ids;
	if (!Array.isArray(ids) || ids.length === 0 || ids.length > DEAD_LETTER_REPLAY_MAX_IDS)
		throw badBody("ids", `must be an array of 1 to ${DEAD_LETTER_REPLAY_MAX_IDS} ids`);
	for (const [i, id] of ids.entries())
		if (typeof id !== "string" || id.length === 0 || id.length > 200) throw badBody(`ids.${i}`, "must be a dead letter id (a non-empty string)");
	return { ids: [...new Set(ids as string[])] };
}

/**
 * Re-sends rows to the events queue, then deletes exactly those rows: a row is removed only
 * after its send succeeded. Replaying is safe: the consumer stores each event_id / signal_id once.
 */
async function replayRows(env: ApiContext["Bindings"], projectId: string, rows: Pick<DeadLetterRow, "id" | "body">[]): Promise<number> {
	let replayed = 0;
	for (const chunk of chunkForSendBatch(rows.map((r) => ({ id: r.id, body: parseBody(r.body) })))) {
		// Valid messages go the way ingest sends them (a large one parked in D1 and sent as a
		// reference); a body that never parsed is sent as it is, to be dead-lettered again.
		const valid = chunk.flatMap((r) => {
			const parsed = queueMessageSchema.safeParse(r.body);
			return parsed.success ? [parsed.data] : [];
		});
		const invalid = chunk.filter((r) => !queueMessageSchema.safeParse(r.body).success);
		try {
			if (valid.length) await enqueue(env.EVENTS_QUEUE, env.DB, valid, enqueueOptions(env));
			if (invalid.length) await env.EVENTS_QUEUE.sendBatch(invalid.map((r) => ({ body: r.body, contentType: "json" as const })));
		} catch (err) {
			console.error("dead letter replay: queue send failed", err);
			throw new ApiError(503, "queue_unavailable", `Could not re-send to the queue after replaying ${replayed}; the rest are kept. Retry (replays are safe).`);
		}
		const ids = chunk.map((r) => r.id);
		await deleteDeadLetters(env.DB, projectId, ids);
		replayed += chunk.length;
	}
	return replayed;
}

/**
 * Messages the detect worker could not store (retries exhausted or invalid), per project. A dead
 * letter without a project (its body named none) is never shown to anyone.
 */
export const deadLetterRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const limit = intQuery(c, "limit", { min: 1, max: 100, fallback: 50 });
		const cursorParam = c.req.query("cursor");
		const after = cursorParam === undefined ? undefined : decodeCursor(cursorParam);
		if (cursorParam !== undefined && !after) {
			throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", [{ field: "cursor", message: "is not a cursor returned by this API" }]);
		}
		const results = await listDeadLetters(c.env.DB, c.get("projectId"), limit, after);
		const page = results.slice(0, limit);
		const last = page.at(-1);
		return c.json({
			data: page.map(view),
			next_cursor: results.length > limit && last ? encodeCursor({ timestamp: last.received_at, eventId: last.id }) : null,
		} satisfies DeadLetterPage);
	})
	.post("/replay", requireAdmin, async (c) => {
		const request = parseReplay(await readJsonBody(c, 20_000));
		const projectId = c.get("projectId");
		if ("ids" in request) {
			// Another project's ids (or unknown ones) are simply not found: never replayed, not counted.
			let replayed = 0;
			for (let i = 0; i < request.ids.length; i += ROUND) {
				const ids = request.ids.slice(i, i + ROUND);
				replayed += await replayRows(c.env, projectId, await deadLettersByIds(c.env.DB, projectId, ids));
			}
			return c.json({ replayed } satisfies ReplayResponse);
		}
		let replayed = 0;
		for (let round = 0; round < MAX_ROUNDS; round++) {
			const rows = await oldestDeadLetters(c.env.DB, projectId, ROUND);
			if (rows.length === 0) break;
			replayed += await replayRows(c.env, projectId, rows);
		}
		return c.json({ replayed, remaining: await countDeadLetters(c.env.DB, projectId) } satisfies ReplayResponse);
	});
