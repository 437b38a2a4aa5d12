/**
 * Ingestion limits, documented in the README. They derive from Cloudflare Queues:
 * one message holds at most 128 KB and one sendBatch at most 100 messages / 256 KB,
 * so an event must fit one message with room for its envelope.
 */
export const LIMITS = {
	bodyBytes: 1_048_576,
	eventsPerBatch: 100,
	signalsPerBatch: 100,
	eventBytes: 100_000,
	idChars: 200,
	nameChars: 200,
	textChars: 50_000,
	propertiesPerObject: 50,
	propertyKeyChars: 100,
	propertyValueChars: 1_000,
	toolCallsPerEvent: 50,
	toolTextChars: 10_000,
	toolErrorChars: 2_000,
	attachmentsPerEvent: 10,
	attachmentChars: 10_000,
	commentChars: 5_000,
	/** Timestamps further ahead than this are a client clock bug, not an event. */
	futureSkewMs: 24 * 60 * 60 * 1000,
} as const;

/** Limits of one Queue sendBatch call, with headroom for per-message overhead. */
export const QUEUE_SEND_LIMITS = { messages: 100, bytes: 230_000 } as const;

/**
 * A Queue message is at most 128 KB, counted two bytes per character of its JSON. A body larger than this
 * is parked in D1 and the message carries a reference (db/schema/queued-payloads.ts).
 */
export const QUEUE_MESSAGE_BYTES = 120_000;
