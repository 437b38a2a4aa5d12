export { Barometer, Interaction, retryDelayMs } from "./client";
export type { AiEvent, BarometerError, BarometerOptions, ExplicitSignal, PropertyValue, SignalInput, ToolCall } from "./types";
