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
	/**
	 * Timestamps ahead of the receiving clock by more than this (and at most futureSkewMs) come from a
	 * client clock running fast: they are stored as the time received, as Sentry does with future
	 * timestamps, so the event shows today and not on a day still to come (where no default window,
	 * chart or count would show it, and where it would make every "last N days" read fall back to
	 * the day tables: workers/api/src/reads/window-users.ts).
	 */
	clockDriftMs: 60_000,
} as const;

/** Limits of one Queue sendBatch call, with headroom for per-message overhead. */
export const QUEUE_SEND_LIMITS = { messages: 100, bytes: 230_000 } as const;

/**
 * A Queue message is at most 128 KB, counted two bytes per character of its JSON. A body larger than this
 * is parked in D1 and the message carries a reference (db/schema/queued-payloads.ts).
 */
export const QUEUE_MESSAGE_BYTES = 120_000;

/**
 * Request rate limits, documented in the README ("Rate limits"). Enforced by Cloudflare's rate limiting
 * binding, whose `[[ratelimits]]` entries in workers/ingest/wrangler.toml and workers/api/wrangler.toml
 * must carry the same numbers; `periodSeconds` is also the Retry-After a refused client is sent, since the
 * binding answers only yes or no. Cloudflare accepts a period of 10 or 60 seconds only.
 */
export const RATE_LIMITS = {
	/** Ingest (/v1/*) per write key; a request may carry a batch of 100 events. */
	writes: { limit: 1000, periodSeconds: 10 },
	/** The API (/api/*) per read or admin key: a dashboard page makes about ten reads. */
	reads: { limit: 300, periodSeconds: 10 },
	/** Questions a model answers (POST /api/ask) per read or admin key: each may cost up to 24,000 tokens. */
	ask: { limit: 10, periodSeconds: 60 },
	/** Missing, malformed, unknown or revoked keys per client IP, ingest and API together. */
	failedAuth: { limit: 20, periodSeconds: 60 },
} as const;
