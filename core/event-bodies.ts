import { USE_LITE_MAX_CHARS } from "./embedding/use-lite-embedder";
import { textHead } from "./text-head";

/**
 * Long texts leave D1 (docs/scaling.md, "Long texts in R2"). An event's input and output may be up to
 * 50,000 characters each; stored whole, with their full-text index, a project of long answers fills a
 * 10 GB D1 database with a few hundred thousand events. D1 keeps the first STORED_TEXT_CHARS of each:
 * exactly what the sentence encoder reads (so vectors, search by meaning and every backfill from D1
 * are unchanged), as much as the LLM checks read (2,000 and 1,500), and what lists, text search, issue
 * titles and intents work on. The whole texts of the events of one consumer batch whose input or
 * output is longer go to R2 as one object (one write per batch, not per event), each event's texts
 * sealed with a key of its own that only its D1 row holds: deleting the row (a user's deletion,
 * retention) makes them unreadable at once, and an object nobody's row names (a retried batch's, a
 * second event under a stored id) holds nothing anyone can read. Retention deletes whole objects
 * once every event in them has expired (objects are named by the day of their newest event).
 */
export const STORED_TEXT_CHARS = USE_LITE_MAX_CHARS;

/** The whole texts of one event (or one tool call: input and output), as its R2 object holds them. */
export interface EventBody {
	input: string | null;
	output: string | null;
	/** An event's attachments when one's value is longer than D1 keeps (storedAttachments). */
	attachments?: { value: string }[];
}

const cut = (text: string | null | undefined, chars: number): string | null => (text == null ? null : textHead(text, chars));
const over = (text: string | null | undefined, chars: number): boolean => (text?.length ?? 0) > chars;

/** What D1 keeps of a text: its first STORED_TEXT_CHARS, cut where the encoder cuts it. */
export const storedText = (text: string | null | undefined): string | null => cut(text, STORED_TEXT_CHARS);

/**
 * What D1 keeps of a tool call's input and output (each up to 10,000 characters, 50 calls an event): enough
 * to recognise the call on the event page and to tell a retried export's calls apart. Nothing searches or
 * encodes them; the whole payloads go to R2 with the event's texts, sealed apart (a call has its own ref).
 */
export const STORED_TOOL_CHARS = 500;

export const storedToolText = (text: string | null | undefined): string | null => cut(text, STORED_TOOL_CHARS);

export const toolCallIsLong = (call: { input?: string | null; output?: string | null }): boolean =>
	over(call.input, STORED_TOOL_CHARS) || over(call.output, STORED_TOOL_CHARS);

/** An event's attachments as D1 keeps them: each value (up to 10,000 characters) cut as tool payloads are. */
export function storedAttachments<T extends { value: string }>(attachments: T[]): T[] {
	return attachments.map((a) => (over(a.value, STORED_TOOL_CHARS) ? { ...a, value: textHead(a.value, STORED_TOOL_CHARS) } : a));
}

const longAttachments = (attachments: { value: string }[] | null | undefined) => attachments?.some((a) => over(a.value, STORED_TOOL_CHARS)) ?? false;

/** Whether D1 holds less than the event's texts or attachments, so they go to R2. */
export function bodyIsLong(body: { input?: string | null; output?: string | null; attachments?: { value: string }[] | null }): boolean {
	return over(body.input, STORED_TEXT_CHARS) || over(body.output, STORED_TEXT_CHARS) || longAttachments(body.attachments);
}

/** What an R2 object holds of an event (its texts, and its attachments when D1 cut one) or of a tool call (input and output). */
export function eventBody(event: { input?: string | null; output?: string | null; attachments?: { value: string }[] | null }): EventBody {
	return {
		input: event.input ?? null,
		output: event.output ?? null,
		...(longAttachments(event.attachments) ? { attachments: event.attachments! } : {}),
	};
}

/** Where one event's sealed texts are: an object, a byte range of it, and the key that opens them (base64). */
export interface BodyRef {
	object: string;
	offset: number;
	length: number;
	secret: string;
}

/** A ref as D1 keeps it (events.body_ref): object keys are URI-encoded, so they hold no "#". */
export const formatBodyRef = (r: BodyRef): string => `${r.object}#${r.offset}+${r.length}#${r.secret}`;

export function parseBodyRef(text: string): BodyRef | null {
	const m = /^([^#]+)#(\d+)\+(\d+)#([A-Za-z0-9+/=]+)$/.exec(text);
	return m ? { object: m[1]!, offset: Number(m[2]), length: Number(m[3]), secret: m[4]! } : null;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** A project's objects, listed in day order. */
export const bodyObjectPrefix = (projectId: string): string => `bodies/${encodeURIComponent(projectId)}/`;

/** The object of one batch's long texts of a project, named by the UTC day of its newest event. */
export const bodyObjectKey = (projectId: string, newestTimestamp: number, id: string): string =>
	`${bodyObjectPrefix(projectId)}${dayOf(newestTimestamp)}/${encodeURIComponent(id)}.bin`;

/** Whether every event in the object is older than `cutoff` (its newest event's whole day is). */
export function objectExpired(key: string, cutoff: number): boolean {
	const day = /\/(\d{4}-\d{2}-\d{2})\/[^/]+$/.exec(key)?.[1];
	return day !== undefined && Date.parse(`${day}T00:00:00Z`) + 86_400_000 <= cutoff;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const IV_BYTES = 12;

/**
 * Seals each event's texts with a fresh AES-256-GCM key (WebCrypto, in Node and workerd alike) and lays
 * them end to end: the object's bytes, and where each event's are with the key that opens them.
 */
export async function sealBodies(bodies: EventBody[]): Promise<{ bytes: Uint8Array; parts: { offset: number; length: number; secret: string }[] }> {
	const sealed = await Promise.all(
		bodies.map(async (body) => {
			const raw = crypto.getRandomValues(new Uint8Array(32));
			const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
			const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
			const text = new TextEncoder().encode(JSON.stringify(body));
			const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, text));
			const part = new Uint8Array(IV_BYTES + cipher.length);
			part.set(iv);
			part.set(cipher, IV_BYTES);
			return { part, secret: toBase64(raw) };
		}),
	);
	const bytes = new Uint8Array(sealed.reduce((n, s) => n + s.part.length, 0));
	const parts: { offset: number; length: number; secret: string }[] = [];
	let offset = 0;
	for (const s of sealed) {
		bytes.set(s.part, offset);
		parts.push({ offset, length: s.part.length, secret: s.secret });
		offset += s.part.length;
	}
	return { bytes, parts };
}

/** Opens one event's sealed texts; throws when the key does not fit them (AES-GCM checks). */
export async function openBody(part: Uint8Array, secret: string): Promise<EventBody> {
	const key = await crypto.subtle.importKey("raw", fromBase64(secret), "AES-GCM", false, ["decrypt"]);
	const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: part.slice(0, IV_BYTES) }, key, part.slice(IV_BYTES));
	return JSON.parse(new TextDecoder().decode(plain)) as EventBody;
}
