import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { findCards, findEmails, findIps, type Span } from "./pii-detectors";
import { findNationalIds } from "./pii-national-ids";
import { findPhones } from "./pii-phone";
import { findSecrets } from "./pii-secrets";

/**
 * Personal-data redaction applied at ingest, before an event is queued or stored. Pure and
 * synchronous: it runs on every event in the ingest worker's hot path. What each kind catches and
 * misses is in docs/privacy.md.
 */

export const PII_KINDS = ["email", "phone", "card", "api_key", "ip", "national_id"] as const;
export type PiiKind = (typeof PII_KINDS)[number];

export type PrivacyConfig = { mode: "redact" | "hash" | "off"; kinds: PiiKind[] };

export const privacyConfigSchema = z.strictObject({
	mode: z.enum(["redact", "hash", "off"]),
	kinds: z
		.array(z.enum(PII_KINDS))
		.min(1)
		.refine((kinds) => new Set(kinds).size === kinds.length, { message: "kinds must not repeat" })
		.default(() => [...PII_KINDS]),
}) satisfies z.ZodType<PrivacyConfig, unknown>;

export const DEFAULT_PRIVACY: PrivacyConfig = { mode: "redact", kinds: [...PII_KINDS] };

export interface PiiMatch {
	kind: PiiKind;
	start: number;
	end: number;
}

const DETECTORS = {
	email: findEmails,
	phone: findPhones,
	card: findCards,
	api_key: findSecrets,
	ip: findIps,
	national_id: findNationalIds,
} satisfies Record<PiiKind, (text: string) => Span[]>;

// Who wins a span claimed twice: a key is never split by the email or digits inside it, an email by
// the phone-like digits in its local part, a Luhn-valid card by a phone; checksummed ids before
// dotted quads, and phones (the loosest shapes) last.
const PRIORITY: readonly PiiKind[] = ["api_key", "email", "card", "national_id", "ip", "phone"];

// Nothing shorter can be any kind ("a@b.co", "1.1.1.1", "fe80::1" are the shortest).
const MIN_PII_LENGTH = 6;

/**
 * The fewest ASCII digits a kind's patterns can match: a card is 13-19 digits, a national id at least 6 (a
 * NINO's three pairs; an SSN 9, a DNI 8, an NIE 7). A text with fewer cannot hold one, and its scan is
 * skipped: the national-id patterns were 60% of ingest's redaction time on chat text (issue 20).
 */
const MIN_DIGITS: Partial<Record<PiiKind, number>> = { card: 13, national_id: 6 };

function asciiDigits(text: string): number {
	let n = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c >= 48 && c <= 57) n++;
	}
	return n;
}

/** Every personal value in `text`, one match per span (earlier kinds in PRIORITY win), sorted by start. */
export function findPii(text: string, kinds: readonly PiiKind[] = PII_KINDS): PiiMatch[] {
	if (text.length < MIN_PII_LENGTH) return [];
	const found: PiiMatch[] = [];
	const digits = asciiDigits(text);
	for (const kind of PRIORITY) {
		if (!kinds.includes(kind) || digits < (MIN_DIGITS[kind] ?? 0)) continue;
		for (const s of DETECTORS[kind](text)) found.push({ kind, start: s.start, end: s.end });
	}
	if (found.length <= 1) return found;
	// Claim characters in priority order (then by start); linear in the text, whatever the overlaps.
	const rank = (k: PiiKind) => PRIORITY.indexOf(k);
	found.sort((a, b) => rank(a.kind) - rank(b.kind) || a.start - b.start || b.end - a.end);
	const taken = new Uint8Array(text.length);
	const kept: PiiMatch[] = [];
	for (const m of found) {
		let free = true;
		for (let i = m.start; i < m.end && free; i++) free = taken[i] === 0;
		if (!free) continue;
		taken.fill(1, m.start, m.end);
		kept.push(m);
	}
	return kept.sort((a, b) => a.start - b.start);
}

export interface Redactor {
	/** Free text (input, output, comments, tool inputs/outputs...): each match replaced by `[EMAIL]` (redact) or `[EMAIL:1a2b3c4d]` (hash: first 8 hex of HMAC-SHA256(salt, normalized value)); unchanged when mode is off. */
	text(s: string): string;
	/** Any JSON value (properties, traits, attachments, tool call arguments): every string inside redacted recursively, object keys kept; returns a new value, never mutates. */
	value<T>(v: T): T;
	/** Identifiers (user_id, convo_id): if the id contains PII it is ALWAYS replaced by a keyed hash, even in redact mode (`user:` + 16 hex of HMAC(salt, id)), so distinct users stay distinct and "% of users" still counts right; ids without PII are kept as is; mode off keeps everything. */
	identifier(s: string): string;
	/** How many values of each kind were replaced so far (for a count in logs/responses). */
	readonly counts: Record<PiiKind, number>;
}

const LABELS: Record<PiiKind, string> = {
	email: "EMAIL",
	phone: "PHONE",
	card: "CARD",
	api_key: "API_KEY",
	ip: "IP",
	national_id: "NATIONAL_ID",
};

/** The same person written two ways ("Bob@X.com", "bob@x.com"; "415-555-0132", "(415) 555 0132") hashes the same. */
function normalize(kind: PiiKind, value: string): string {
	switch (kind) {
		case "email":
		case "ip":
			return value.toLowerCase();
		case "phone":
		case "card":
			return value.replace(/\D/g, "");
		case "national_id":
			return value.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
		case "api_key":
			return value;
	}
}

// Enough distinct values for any one event; past it the cache starts over rather than grow.
const HASH_CACHE_LIMIT = 10_000;

export function createRedactor(config: PrivacyConfig, salt: string): Redactor {
	// Keyed once; each hash clones the keyed state, which skips re-hashing the key per value.
	const keyed = hmac.create(sha256, utf8ToBytes(salt));
	const counts = Object.fromEntries(PII_KINDS.map((k) => [k, 0])) as Record<PiiKind, number>;
	const cache = new Map<string, string>();
	const keyedHex = (message: string): string => {
		let hex = cache.get(message);
		if (hex === undefined) {
			if (cache.size >= HASH_CACHE_LIMIT) cache.clear();
			hex = bytesToHex(keyed.clone().update(utf8ToBytes(message)).digest());
			cache.set(message, hex);
		}
		return hex;
	};
	const placeholder = (kind: PiiKind, value: string): string =>
		config.mode === "hash" ? `[${LABELS[kind]}:${keyedHex(normalize(kind, value)).slice(0, 8)}]` : `[${LABELS[kind]}]`;

	const text = (s: string): string => {
		if (config.mode === "off") return s;
		const matches = findPii(s, config.kinds);
		if (matches.length === 0) return s;
		let out = "";
		let at = 0;
		for (const m of matches) {
			out += s.slice(at, m.start) + placeholder(m.kind, s.slice(m.start, m.end));
			at = m.end;
			counts[m.kind]++;
		}
		return out + s.slice(at);
	};

	return {
		counts,
		text,
		value: <T>(v: T): T => (config.mode === "off" ? v : mapStrings(v, text)),
		identifier(s: string): string {
			if (config.mode === "off") return s;
			const matches = findPii(s, config.kinds);
			if (matches.length === 0) return s;
			for (const m of matches) counts[m.kind]++;
			return `user:${keyedHex(s).slice(0, 16)}`;
		},
	};
}

function isPlainObject(v: object): v is Record<string, unknown> {
	const proto = Object.getPrototypeOf(v);
	return proto === Object.prototype || proto === null;
}

function copyShell(v: unknown[] | Record<string, unknown>): unknown[] | Record<string, unknown> {
	return Array.isArray(v) ? new Array<unknown>(v.length) : {};
}

/**
 * A copy of a JSON value with `f` applied to every string. Iterative, because a 100 KB body can nest
 * tens of thousands of levels deep and recursion would overflow the stack.
 */
function mapStrings<T>(root: T, f: (s: string) => string): T {
	if (typeof root === "string") return f(root) as T;
	if (root === null || typeof root !== "object") return root;
	if (!Array.isArray(root) && !isPlainObject(root)) return root;
	type Node = Record<string, unknown>;
	const out = copyShell(root as Node) as Node;
	const stack: Array<[Node, Node]> = [[root as Node, out]];
	for (let pair = stack.pop(); pair !== undefined; pair = stack.pop()) {
		const [src, dst] = pair;
		for (const k of Object.keys(src)) {
			const v = src[k];
			let mapped: unknown = v;
			if (typeof v === "string") mapped = f(v);
			else if (v !== null && typeof v === "object" && (Array.isArray(v) || isPlainObject(v))) {
				mapped = copyShell(v as Node);
				stack.push([v as Node, mapped as Node]);
			}
			// A "__proto__" key from JSON.parse is an own property; plain assignment would set the prototype.
			if (k === "__proto__") {
				Object.defineProperty(dst, k, { value: mapped, enumerable: true, writable: true, configurable: true });
			} else dst[k] = mapped;
		}
	}
	return out as T;
}
