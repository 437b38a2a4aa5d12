/** What the SDK sends: the same shapes as POST /v1/events, /v1/signals and /v1/users/identify. */

export type PropertyValue = string | number | boolean;

export interface ToolCall {
	name: string;
	input?: unknown;
	output?: unknown;
	error?: string | null;
	duration_ms?: number | null;
}

export interface AiEvent {
	/** Idempotency key; generated when omitted. Sending the same id twice stores one event. */
	event_id?: string;
	/** Epoch ms, or an ISO string, or a Date; defaults to now. */
	timestamp?: number | string | Date;
	user_id: string;
	convo_id?: string;
	/** The kind of interaction, e.g. "chat_message" (default "ai_interaction"). */
	event?: string;
	model?: string;
	input?: string;
	output?: string;
	properties?: Record<string, PropertyValue>;
	tool_calls?: ToolCall[];
}

export type ExplicitSignal = "thumbs_up" | "thumbs_down" | "regenerate" | "copy" | "share" | "edit" | "code_error" | (string & {});

export interface SignalInput {
	event_id: string;
	signal: ExplicitSignal;
	user_id?: string;
	comment?: string;
	timestamp?: number | string | Date;
	properties?: Record<string, PropertyValue>;
	signal_id?: string;
}

export interface BarometerOptions {
	/** A write key (`bm_write_…`). Write keys can only send. */
	writeKey: string;
	/** Base URL of the instance, e.g. "https://ingest.example.com" or "http://localhost:8787". */
	endpoint?: string;
	/** Send when this many items wait (default 20; at most 100 per request). */
	flushAt?: number;
	/** …or after this many ms (default 2000). */
	flushIntervalMs?: number;
	/** Items kept while the endpoint is unreachable; the oldest are dropped past this (default 10,000). */
	maxQueueSize?: number;
	/** Attempts per batch on network errors, 5xx and 429 (default 5), with exponential backoff and jitter. */
	maxRetries?: number;
	/** Per-request timeout in ms (default 10,000). */
	timeoutMs?: number;
	/** Workers: pass `ctx.waitUntil.bind(ctx)` so sends finish after the response is returned. */
	waitUntil?: (promise: Promise<unknown>) => void;
	/** Log what the SDK does to the console. */
	debug?: boolean;
	/** Told about anything that went wrong (the SDK never throws into your app). */
	onError?: (error: BarometerError) => void;
	/** A fetch implementation (default: the global one). */
	fetch?: typeof fetch;
}

export interface BarometerError {
	kind: "rejected" | "network" | "http" | "dropped" | "usage";
	message: string;
	/** Rejected items, with the fields the server named. */
	details?: unknown;
}
