import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { USE_LITE_MAX_CHARS } from "./embedding/use-lite-embedder";

/**
 * Long texts leave D1 (docs/scaling.md, "Long texts in R2"). An event's input and output may be up to
 * 50,000 characters each; stored whole, with their full-text index, a project of long answers fills a
 * 10 GB D1 database with a few hundred thousand events. D1 keeps the first STORED_TEXT_CHARS of each:
 * exactly what the sentence encoder reads (so vectors, search by meaning and every backfill from D1
 * are unchanged), more than the LLM checks read (2,000 and 1,500), and what lists, text search,
 * issue titles and intents work on. The whole texts of an event whose input or output is longer go
 * to R2 as one object, read back where a person looks at the event (GET /api/events/:id, a
 * conversation) and deleted with the event (a user's deletion, retention).
 */
export const STORED_TEXT_CHARS = USE_LITE_MAX_CHARS;

/** The whole texts of one event, as its R2 object holds them. */
export interface EventBody {
	input: string | null;
	output: string | null;
}

/** What D1 keeps of a text: its first STORED_TEXT_CHARS, cut where the encoder cuts it. */
export function storedText(text: string | null | undefined): string | null {
	if (text === null || text === undefined) return null;
	return text.length > STORED_TEXT_CHARS ? text.slice(0, STORED_TEXT_CHARS) : text;
}

/** Whether D1 holds less than the event's texts, so they go to R2. */
export function bodyIsLong(body: { input?: string | null; output?: string | null }): boolean {
	return (body.input?.length ?? 0) > STORED_TEXT_CHARS || (body.output?.length ?? 0) > STORED_TEXT_CHARS;
}

/**
 * The R2 key of an event's texts, or null when D1 holds them whole. The key names the content (a
 * SHA-256 of it): the consumer writes D1 first, then puts the object only if the stored row names
 * this key, so a second event sent with the same id but other texts (the stored one wins) writes
 * nothing to R2, and a redelivered message puts the same object again.
 */
export function bodyKey(projectId: string, eventId: string, body: { input?: string | null; output?: string | null }): string | null {
	if (!bodyIsLong(body)) return null;
	const digest = bytesToHex(sha256(utf8ToBytes(JSON.stringify([body.input ?? null, body.output ?? null])))).slice(0, 32);
	// Ids are URI-encoded so a "/" in one cannot reach into another event's keys.
	return `bodies/${encodeURIComponent(projectId)}/${encodeURIComponent(eventId)}/${digest}.json`;
}
