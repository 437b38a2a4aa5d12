import { z } from "zod";
import { aiEventSchema, identifySchema, signalSchema } from "./ingest-schemas";

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
]);

export type QueueMessage = z.infer<typeof queueMessageSchema>;
export type EventMessage = Extract<QueueMessage, { type: "event" }>;
export type SignalMessage = Extract<QueueMessage, { type: "signal" }>;
export type IdentifyMessage = Extract<QueueMessage, { type: "identify" }>;
