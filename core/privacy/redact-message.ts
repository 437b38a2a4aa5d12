import { LIMITS } from "../limits";
import { redactSpans } from "../otlp/redact-spans";
import type { QueueMessage } from "../queue-messages";
import type { Redactor } from "./pii";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A placeholder can be longer than what it replaces (`[IP:1a2b3c4d]` for `1.1.1.1`): cut back to the field's limit. */
const clamp = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);
const text = (r: Redactor, s: string | null | undefined, max: number) => (typeof s === "string" ? clamp(r.text(s), max) : s);
const id = (r: Redactor, s: string) => clamp(r.identifier(s), LIMITS.idChars);

function values<T extends Record<string, Json>>(r: Redactor, o: T): T {
	const out: Record<string, Json> = {};
	for (const [k, v] of Object.entries(o)) out[k] = typeof v === "string" ? clamp(r.text(v), LIMITS.propertyValueChars) : v;
	return out as T;
}

/**
 * What ingest queues, with personal data taken out of every free-text field, property, trait,
 * tool call and attachment. Ids (user, conversation, event, signal) that carry personal data become
 * keyed hashes, the same for the same value, so users are still counted and a signal still finds
 * its event. Everything the detect worker stores (events, detections, issue and intent candidates,
 * vectors) derives from these bodies, so nothing downstream sees the original.
 */
export function redactMessage(message: QueueMessage, r: Redactor): QueueMessage {
	switch (message.type) {
		case "event": {
			const e = message.event;
			return {
				...message,
				event: {
					...e,
					event_id: id(r, e.event_id),
					user_id: id(r, e.user_id),
					convo_id: e.convo_id === undefined ? undefined : id(r, e.convo_id),
					event: id(r, e.event),
					model: text(r, e.model, LIMITS.nameChars) ?? undefined,
					input: text(r, e.input, LIMITS.textChars) ?? undefined,
					output: text(r, e.output, LIMITS.textChars) ?? undefined,
					properties: values(r, e.properties),
					tool_calls: e.tool_calls.map((t) => ({
						...t,
						name: id(r, t.name),
						input: text(r, t.input, LIMITS.toolTextChars),
						output: text(r, t.output, LIMITS.toolTextChars),
						error: text(r, t.error, LIMITS.toolErrorChars),
					})),
					attachments: e.attachments?.map((a) => ({
						...a,
						name: text(r, a.name, LIMITS.nameChars) ?? undefined,
						value: clamp(r.text(a.value), LIMITS.attachmentChars),
					})),
				},
			};
		}
		case "signal": {
			const s = message.signal;
			return {
				...message,
				signal: {
					...s,
					signal_id: id(r, s.signal_id),
					event_id: id(r, s.event_id),
					user_id: s.user_id === undefined ? undefined : id(r, s.user_id),
					comment: text(r, s.comment, LIMITS.commentChars) ?? undefined,
					properties: values(r, s.properties),
				},
			};
		}
		case "identify": {
			const i = message.identify;
			return { ...message, identify: { ...i, user_id: id(r, i.user_id), traits: values(r, i.traits) } };
		}
		case "event_partial": {
			// The same fields as a full event, each only if this part carries it.
			const e = message.event;
			const optionalId = (s: string | undefined) => (s === undefined ? undefined : id(r, s));
			return {
				...message,
				event: {
					...e,
					event_id: id(r, e.event_id),
					user_id: optionalId(e.user_id),
					convo_id: optionalId(e.convo_id),
					event: optionalId(e.event),
					model: text(r, e.model, LIMITS.nameChars) ?? undefined,
					input: text(r, e.input, LIMITS.textChars) ?? undefined,
					output: text(r, e.output, LIMITS.textChars) ?? undefined,
					properties: values(r, e.properties),
					attachments: e.attachments.map((a) => ({
						...a,
						name: text(r, a.name, LIMITS.nameChars) ?? undefined,
						value: clamp(r.text(a.value), LIMITS.attachmentChars),
					})),
				},
			};
		}
		case "otel_trace":
			return { ...message, spans: redactSpans(message.spans, r) };
	}
}
