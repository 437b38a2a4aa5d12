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

/** What the Vercel AI SDK 4 to 6 takes as `experimental_telemetry`; metadata values are OpenTelemetry attribute values. */
export interface AiTelemetrySettings {
	isEnabled: boolean;
	functionId?: string;
	metadata: Record<string, PropertyValue>;
}

/**
 * Vercel AI SDK 4 to 6: the `experimental_telemetry` option for generateText, streamText and friends,
 * so the spans it exports to Barometer's `/v1/traces` carry who and which conversation:
 * `ai.telemetry.metadata.userId`, `ai.telemetry.metadata.convoId`, and one `ai.telemetry.metadata.<key>`
 * per property (each becomes an event property). Values that are not strings, finite numbers or
 * booleans are left out: OpenTelemetry attributes cannot hold them.
 */
export function aiTelemetry(options: AiTelemetryOptions): AiTelemetrySettings {
	const metadata = valuesOf(options);
	return {
		isEnabled: options?.isEnabled ?? true,
		...(options?.functionId ? { functionId: options.functionId } : {}),
		metadata,
	};
}

function valuesOf(options: AiTelemetryOptions): Record<string, PropertyValue> {
	const values: Record<string, PropertyValue> = {};
	for (const [key, value] of Object.entries(options?.properties ?? {})) if (isAttributeValue(value)) values[key] = value;
	// userId and convoId last: a property of the same name must not hide who the event is for.
	if (isAttributeValue(options?.userId)) values.userId = options.userId;
	if (isAttributeValue(options?.convoId)) values.convoId = options.convoId;
	return values;
}

/** What the Vercel AI SDK 7 takes as `runtimeContext` and `telemetry` (spread both into generateText). */
export interface AiRuntimeTelemetry {
	runtimeContext: Record<string, PropertyValue>;
	telemetry: { isEnabled: boolean; functionId?: string; includeRuntimeContext: Record<string, true>; integrations?: unknown[] };
}

/**
 * Vercel AI SDK 7, whose spans come from `@ai-sdk/otel` and which dropped telemetry metadata: the user,
 * conversation and properties travel as runtime context, exported as `ai.settings.context.<key>` once the
 * OpenTelemetry integration is created with `runtimeContext: true`. Spread the result into the call:
 * `generateText({ model, prompt, ...aiRuntimeTelemetry({ userId, convoId }) })`. Pass `integrations` (for
 * example `[new OpenTelemetry({ runtimeContext: true })]`) unless one is registered globally.
 */
export function aiRuntimeTelemetry(options: AiTelemetryOptions & { integrations?: unknown[] }): AiRuntimeTelemetry {
	const runtimeContext = valuesOf(options);
	return {
		runtimeContext,
		telemetry: {
			isEnabled: options?.isEnabled ?? true,
			...(options?.functionId ? { functionId: options.functionId } : {}),
			includeRuntimeContext: Object.fromEntries(Object.keys(runtimeContext).map((k) => [k, true as const])),
			...(options?.integrations ? { integrations: options.integrations } : {}),
		},
	};
}

const isAttributeValue = (value: unknown): value is PropertyValue =>
	typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
