import { z } from "zod";
import type { ExportTraceRequest } from "./otlp/otlp-types";
import { aiEventSchema, identifySchema, partialEventSchema, signalSchema } from "./ingest-schemas";

/**
 * Bodies of messages on the events queue. Ingest validated the payloads and stamped
 * server-side values (timestamp default, signal id), so a redelivery carries exactly
 * the same values and stores the same rows.
 */
const envelope = { v: z.literal(1), project_id: z.string().min(1), received_at: z.number().int() };

const storedTimestamp = { timestamp: z.number().int() };

export const queueMessageSchema = z.discriminatedUnion("type", [
	z.object({ ...envelope, type: z.literal("event"), event: aiEventSchema.extend(storedTimestamp) }),
	z.object({ ...envelope, type: z.literal("signal"), signal: signalSchema.extend({ ...storedTimestamp, signal_id: z.string().min(1) }) }),
	z.object({ ...envelope, type: z.literal("identify"), identify: identifySchema.extend(storedTimestamp) }),
	/**
	 * One part of an event sent in pieces, merged by (project, event_id) in pending_events. `part_id`
	 * is a hash of the part's content: a resent or redelivered part is merged once. `final`: the
	 * sender says the event is complete (Raindrop's `is_pending: false`).
	 */
	z.object({ ...envelope, type: z.literal("event_partial"), part_id: z.string().min(1), final: z.boolean(), event: partialEventSchema }),
	/**
	 * The spans of one trace from one OTLP export (ingest checked them), redacted like any event text.
	 * The consumer joins the parts of a trace until it is settled, then maps its turns to events
	 * (core/otlp/trace-parts.ts). `part_id` names the spans in it: a retried export is taken once.
	 */
	z.object({
		...envelope,
		type: z.literal("otel_trace"),
		trace_id: z.string().min(1),
		part_id: z.string().min(1),
		spans: z.custom<ExportTraceRequest>(
			(v) => !!v && typeof v === "object" && Array.isArray((v as ExportTraceRequest).resourceSpans),
			"must be an OTLP export",
		),
	}),
]);

export type QueueMessage = z.infer<typeof queueMessageSchema>;

/** A message whose body was too large for the queue: the body waits in queued_payloads under this id. */
export const payloadRefSchema = z.object({
	...envelope,
	type: z.literal("payload_ref"),
	payload_id: z.string().min(1),
	kind: z.enum(["event", "signal", "identify", "event_partial", "otel_trace"]),
	id: z.string(),
});
export type PayloadRef = z.infer<typeof payloadRefSchema>;

/** The id a parked body is stored under: a retried request overwrites its own row. */
export function payloadIdOf(message: QueueMessage): string {
	return `${message.project_id}/${message.type}/${messageIdOf(message)}`;
}

/** The small message sent in place of a body waiting in queued_payloads. */
export function payloadRefOf(message: QueueMessage): PayloadRef {
	return {
		v: 1,
		type: "payload_ref",
		project_id: message.project_id,
		received_at: message.received_at,
		payload_id: payloadIdOf(message),
		kind: message.type,
		id: messageIdOf(message),
	};
}

/** The client's id of what a message carries: the event, signal or user. */
export function messageIdOf(message: QueueMessage): string {
	switch (message.type) {
		case "event":
			return message.event.event_id;
		case "signal":
			return message.signal.signal_id;
		case "identify":
			return message.identify.user_id;
		case "event_partial":
			return `${message.event.event_id}/${message.part_id}`;
		case "otel_trace":
			return `${message.trace_id}/${message.part_id}`;
	}
}
export type EventMessage = Extract<QueueMessage, { type: "event" }>;
export type SignalMessage = Extract<QueueMessage, { type: "signal" }>;
export type IdentifyMessage = Extract<QueueMessage, { type: "identify" }>;
export type EventPartialMessage = Extract<QueueMessage, { type: "event_partial" }>;
export type OtelTraceMessage = Extract<QueueMessage, { type: "otel_trace" }>;
