import type { PropertyValue } from "./types.js";

export interface AiTelemetryOptions {
	/** Who the answer was for: becomes the event's `user_id`. */
	userId: string;
	/** The conversation it belongs to: becomes the event's `convo_id`. */
	convoId?: string;
	/** Anything else to filter or group by (plan, prompt_version, …): each becomes an event property. */
	properties?: Record<string, PropertyValue>;
	/** Names the call site (the AI SDK's `functionId`), e.g. "chat" or "summarize". */
	functionId?: string;
	/** Set to false to turn telemetry off for this call (e.g. a user who opted out). */
	isEnabled?: boolean;
}

/** What the Vercel AI SDK takes as `experimental_telemetry`; metadata values are OpenTelemetry attribute values. */
export interface AiTelemetrySettings {
	isEnabled: boolean;
	functionId?: string;
	metadata: Record<string, PropertyValue>;
}

/**
 * The `experimental_telemetry` option for the Vercel AI SDK's generateText, streamText and friends,
 * so the spans it exports to Barometer's `/v1/traces` carry who and which conversation:
 * `ai.telemetry.metadata.userId`, `ai.telemetry.metadata.convoId`, and one `ai.telemetry.metadata.<key>`
 * per property (each becomes an event property). Values that are not strings, finite numbers or
 * booleans are left out: OpenTelemetry attributes cannot hold them.
 */
export function aiTelemetry(options: AiTelemetryOptions): AiTelemetrySettings {
	const metadata: Record<string, PropertyValue> = {};
	for (const [key, value] of Object.entries(options?.properties ?? {})) if (isAttributeValue(value)) metadata[key] = value;
	// userId and convoId last: a property of the same name must not hide who the event is for.
	if (isAttributeValue(options?.userId)) metadata.userId = options.userId;
	if (isAttributeValue(options?.convoId)) metadata.convoId = options.convoId;
	return {
		isEnabled: options?.isEnabled ?? true,
		...(options?.functionId ? { functionId: options.functionId } : {}),
		metadata,
	};
}

const isAttributeValue = (value: unknown): value is PropertyValue =>
	typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
