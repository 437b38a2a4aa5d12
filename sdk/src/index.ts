export { type AiRuntimeTelemetry, type AiTelemetryOptions, type AiTelemetrySettings, aiRuntimeTelemetry, aiTelemetry } from "./ai-telemetry.js";
export { Barometer, Interaction, retryDelayMs } from "./client.js";
export type { AiEvent, BarometerError, BarometerOptions, ExplicitSignal, PropertyValue, SignalInput, ToolCall } from "./types.js";
