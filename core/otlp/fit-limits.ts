import { LIMITS } from "../limits";
import type { MappedEvent } from "./genai-spans";

const clip = (s: string | undefined, max: number) => (s !== undefined && s.length > max ? `${s.slice(0, max - 1)}…` : s);
const clipPayload = (v: unknown) => (v === undefined || v === null ? v : clip(typeof v === "string" ? v : JSON.stringify(v), LIMITS.toolTextChars));

/** Span text can be longer than an event allows: it is shortened, never rejected for length. */
export function fitLimits(e: MappedEvent): MappedEvent {
	const props = Object.entries(e.properties)
		.slice(0, LIMITS.propertiesPerObject)
		.map(([k, v]) => [k.slice(0, LIMITS.propertyKeyChars), typeof v === "string" ? clip(v, LIMITS.propertyValueChars)! : v]);
	return {
		...e,
		model: clip(e.model, LIMITS.nameChars),
		input: clip(e.input, LIMITS.textChars),
		output: clip(e.output, LIMITS.textChars),
		properties: Object.fromEntries(props),
		tool_calls: e.tool_calls.slice(0, LIMITS.toolCallsPerEvent).map((t) => ({
			...t,
			name: t.name.slice(0, LIMITS.idChars),
			input: clipPayload(t.input),
			output: clipPayload(t.output),
			error: clip(t.error ?? undefined, LIMITS.toolErrorChars) ?? null,
		})),
	};
}
