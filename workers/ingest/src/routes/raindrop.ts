import { Hono } from "hono";
import { fieldErrors } from "#core/api-errors";
import { LIMITS } from "#core/limits";
import { raindropEventSchema, raindropIdentifySchema, raindropPartialSchema, raindropSignalSchema } from "#core/raindrop/raindrop-schemas";
import { contentId } from "#core/raindrop/raindrop-values";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import { acceptMessages } from "../accept-messages";
import { ingestBatch } from "../ingest-batch";
import type { IngestContext } from "../ingest-env";
import { eventMessage } from "./events";
import { signalMessage } from "./signals";
import { traceRoutes } from "./traces";

const encoder = new TextEncoder();

/**
 * The endpoints the official `raindrop-ai` SDK posts to, given `endpoint: "<ingest>/v1/raindrop/"`
 * (README "Switching from Raindrop"). Each body is translated into Barometer's own event, signal or
 * identify (core/raindrop/raindrop-schemas.ts) and goes through the same batch validation, limits,
 * redaction and queue as /v1/events, /v1/signals and /v1/users/identify. The SDK's batches are bare
 * arrays; per-item errors name the Raindrop field (`events[2].ai_data.input`).
 */
export const raindropRoutes = new Hono<IngestContext>()
	.post("/events/track", (c) =>
		ingestBatch(c, {
			listName: "events",
			idField: "event_id",
			schema: raindropEventSchema,
			maxItems: LIMITS.eventsPerBatch,
			maxItemBytes: LIMITS.eventBytes,
			bareArray: true,
			toMessage: eventMessage,
		}),
	)
	.post("/signals/track", (c) =>
		ingestBatch(c, {
			listName: "signals",
			idField: "event_id",
			schema: raindropSignalSchema,
			maxItems: LIMITS.signalsPerBatch,
			maxItemBytes: LIMITS.eventBytes,
			bareArray: true,
			toMessage: signalMessage,
		}),
	)
	.post("/users/identify", (c) =>
		ingestBatch(c, {
			listName: "users",
			idField: "user_id",
			schema: raindropIdentifySchema,
			maxItems: LIMITS.eventsPerBatch,
			maxItemBytes: LIMITS.eventBytes,
			bareArray: true,
			toMessage: (identify, { projectId, receivedAt }) => ({
				v: 1,
				type: "identify",
				project_id: projectId,
				received_at: receivedAt,
				identify: { ...identify, timestamp: receivedAt },
			}),
		}),
	)
	// One part of an interaction (`begin()` … `finish()`): merged with its other parts by the detect worker.
	.post("/events/track_partial", async (c) => {
		const body = await readJsonBody(c);
		const bytes = encoder.encode(JSON.stringify(body)).byteLength;
		if (bytes > LIMITS.eventBytes) {
			throw new ApiError(413, "event_too_large", `A partial event is at most ${LIMITS.eventBytes} bytes; got ${bytes}.`, [
				{ field: "body", message: `at most ${LIMITS.eventBytes} bytes` },
			]);
		}
		const parsed = raindropPartialSchema.safeParse(body, { reportInput: true });
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The partial event is not valid.", fieldErrors(parsed.error));
		const { final, event } = parsed.data;
		const projectId = c.get("projectId");
		// The part's id is its content: the SDK's retry of a post that did arrive is merged once.
		const part_id = contentId(JSON.stringify({ final, event }));
		await acceptMessages(c.env, projectId, [{ v: 1, type: "event_partial", project_id: projectId, received_at: Date.now(), part_id, final, event }]);
		return c.json({ accepted: 1, event_id: event.event_id, pending: !final }, 202);
	})
	// Tool spans from the SDK's direct shipper: OTLP/HTTP JSON, the same handler as /v1/traces.
	.route("/traces", traceRoutes);
