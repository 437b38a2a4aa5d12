import { type AiEvent, aiEventSchema, type PartialEvent } from "../ingest-schemas";

/** A pending event with no new part for this long is stored as it is by the detect cron (README "Switching from Raindrop"). */
export const PENDING_EVENT_TIMEOUT_MS = 10 * 60 * 1000;

type Scalar = string | number | boolean;
type Attachment = PartialEvent["attachments"][number];
const FIELDS = ["user_id", "event", "model", "input", "output", "convo_id"] as const;
type Field = (typeof FIELDS)[number];

/** A value with the time (ingest's received_at) of the part that set it. */
interface Stamped<T> {
	value: T;
	at: number;
}

/** What pending_events.merged holds: the parts merged so far, each value with the time it was set. */
export interface PendingEventState {
	event_id: string;
	fields: Partial<Record<Field, Stamped<string>>>;
	/** The earliest timestamp of any part: when the interaction began. */
	timestamp?: number;
	properties: Record<string, Stamped<Scalar>>;
	attachments: Stamped<Attachment>[];
	/** The earliest received_at of any part. */
	received_at: number;
	/** The final part (Raindrop's `is_pending: false`) is merged. */
	final: boolean;
}

export interface EventPart {
	final: boolean;
	/** When ingest received the part: orders values that two parts both set. */
	at: number;
	event: PartialEvent;
}

/**
 * The later part wins a value both set, whatever order they are merged in; equal times are
 * decided by the value itself, so every merge order gives the same state.
 */
function later<T>(current: Stamped<T> | undefined, next: Stamped<T>): Stamped<T> {
	if (!current || next.at > current.at) return next;
	if (next.at < current.at) return current;
	return JSON.stringify(next.value) > JSON.stringify(current.value) ? next : current;
}

const minDefined = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/**
 * Merges one part into the state: fields and properties key-wise (the later non-null value wins),
 * attachments appended without duplicates, the earliest timestamp kept. Commutative, so parts
 * delivered out of order merge to the same event; the caller keeps a part from being merged twice.
 */
export function mergePart(state: PendingEventState | undefined, part: EventPart): PendingEventState {
	const out: PendingEventState = state
		? { ...state, fields: { ...state.fields }, properties: { ...state.properties }, attachments: [...state.attachments] }
		: { event_id: part.event.event_id, fields: {}, properties: {}, attachments: [], received_at: part.at, final: false };
	const e = part.event;
	for (const f of FIELDS) {
		const value = e[f];
		if (value !== undefined) out.fields[f] = later(out.fields[f], { value, at: part.at });
	}
	for (const [key, value] of Object.entries(e.properties)) out.properties[key] = later(out.properties[key], { value, at: part.at });
	for (const attachment of e.attachments) {
		const json = JSON.stringify(attachment);
		const same = out.attachments.findIndex((a) => JSON.stringify(a.value) === json);
		if (same === -1) out.attachments.push({ value: attachment, at: part.at });
		else if (part.at < out.attachments[same]!.at) out.attachments[same] = { value: attachment, at: part.at };
	}
	out.attachments.sort((a, b) => a.at - b.at || (JSON.stringify(a.value) < JSON.stringify(b.value) ? -1 : 1));
	out.timestamp = minDefined(out.timestamp, e.timestamp);
	out.received_at = Math.min(out.received_at, part.at);
	out.final = out.final || part.final;
	return out;
}

/**
 * The merged event, checked by the schema every event passes (a user_id is required by now), or
 * the reason it cannot be stored. Without a timestamp from any part, the first part's arrival is it.
 */
export function mergedEvent(state: PendingEventState): { event: AiEvent & { timestamp: number } } | { problem: string } {
	const value = (f: Field) => state.fields[f]?.value;
	const parsed = aiEventSchema.safeParse({
		event_id: state.event_id,
		user_id: value("user_id"),
		event: value("event"),
		model: value("model"),
		input: value("input"),
		output: value("output"),
		convo_id: value("convo_id"),
		properties: Object.fromEntries(Object.entries(state.properties).map(([k, v]) => [k, v.value])),
		attachments: state.attachments.length ? state.attachments.map((a) => a.value) : undefined,
	});
	if (!parsed.success) {
		const problems = parsed.error.issues.map(
			(i) => `${i.path.join(".") || "event"}: ${i.code === "invalid_type" && i.input === undefined ? "is required" : i.message}`,
		);
		return { problem: `the merged event is not valid (${problems.join("; ")})` };
	}
	return { event: { ...parsed.data, timestamp: state.timestamp ?? state.received_at } };
}
