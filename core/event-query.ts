import type { FieldError } from "./api-errors";
import { textSearchQuery } from "./text-search-query";
import { decodeCursor, type EventCursor, fromBase64Url, toBase64Url } from "./cursors";
import { parseTimeQuery } from "./timestamps";

export { decodeCursor, encodeCursor, type EventCursor, fromBase64Url, toBase64Url } from "./cursors";

export interface EventFilter {
	from?: number;
	to?: number;
	userId?: string;
	convoId?: string;
	model?: string;
	event?: string;
	/** Only events with this signal: detected, or explicit feedback on the event. */
	signal?: string;
	/** Only events of this turn-level intent (its id). */
	intent?: string;
	/** Property equality filters, from `property.<key>=<value>`. */
	properties: { key: string; value: string }[];
	/** Words of input or output, from `q`: an FTS5 MATCH expression over events_fts (core/text-search-query.ts). */
	match?: string;
	limit: number;
	cursor?: EventCursor;
}

export const EVENT_PAGE = { defaultLimit: 50, maxLimit: 100 } as const;
/** Longest `q` (and user_id, convo_id, model, event) accepted; longer text is a 400 naming the parameter. */
export const MAX_QUERY_TEXT = 500;
/** Most `property.<key>` filters in one request (each binds up to four SQL parameters; D1 allows 100). */
export const MAX_PROPERTY_FILTERS = 20;
/** A property name usable in a filter (it is bound into a JSON path). */
export const PROPERTY_KEY = /^[A-Za-z0-9_.$-]{1,100}$/;

/** Parses `GET /api/events` query parameters; errors name the offending parameter. */
export function parseEventFilter(params: URLSearchParams): { filter: EventFilter; errors: FieldError[] } {
	const errors: FieldError[] = [];
	const filter: EventFilter = { properties: [], limit: EVENT_PAGE.defaultLimit };
	for (const name of ["from", "to"] as const) {
		const raw = params.get(name);
		if (raw === null) continue;
		const parsed = parseTimeQuery(raw);
		if ("problem" in parsed) errors.push({ field: name, message: parsed.problem });
		else filter[name] = parsed.ms;
	}
	const plain = { user_id: "userId", convo_id: "convoId", model: "model", event: "event", signal: "signal", intent: "intent" } as const;
	for (const [param, key] of Object.entries(plain) as [keyof typeof plain, (typeof plain)[keyof typeof plain]][]) {
		const raw = params.get(param);
		if (raw === null || raw === "") continue;
		if (raw.length > MAX_QUERY_TEXT) errors.push({ field: param, message: `must be at most ${MAX_QUERY_TEXT} characters` });
		else filter[key] = raw;
	}
	const q = params.get("q");
	if (q !== null && q !== "") {
		const parsed = parseTextQuery(q);
		if ("problem" in parsed) errors.push({ field: "q", message: parsed.problem });
		else filter.match = parsed.match;
	}
	for (const [param, value] of params) {
		if (!param.startsWith("property.")) continue;
		const key = param.slice("property.".length);
		if (!PROPERTY_KEY.test(key)) errors.push({ field: param, message: "property names may hold letters, digits, _ . $ -" });
		else if (value.length > MAX_QUERY_TEXT) errors.push({ field: param, message: `must be at most ${MAX_QUERY_TEXT} characters` });
		else filter.properties.push({ key, value });
	}
	if (filter.properties.length > MAX_PROPERTY_FILTERS)
		errors.push({ field: "property", message: `at most ${MAX_PROPERTY_FILTERS} property filters per request` });
	const limit = params.get("limit");
	if (limit !== null) {
		const n = Number(limit);
		if (!Number.isInteger(n) || n < 1 || n > EVENT_PAGE.maxLimit) {
			errors.push({ field: "limit", message: `must be an integer from 1 to ${EVENT_PAGE.maxLimit}` });
		} else filter.limit = n;
	}
	const cursor = params.get("cursor");
	if (cursor !== null) {
		const decoded = decodeCursor(cursor);
		if (!decoded) errors.push({ field: "cursor", message: "is not a cursor returned by this API" });
		else filter.cursor = decoded;
	}
	if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
		errors.push({ field: "from", message: "must be before `to`" });
	}
	return { filter, errors };
}

/** A property value from the query string matches JSON strings, numbers and booleans alike. */
export function propertyValueCandidates(value: string): (string | number)[] {
	const out: (string | number)[] = [value];
	if (value === "true") out.push(1);
	else if (value === "false") out.push(0);
	else if (value.trim() !== "" && Number.isFinite(Number(value))) out.push(Number(value));
	return out;
}

/** `q` as an FTS5 MATCH expression, or what is wrong with it (too long, nothing to find). */
function parseTextQuery(q: string) {
	return q.length > MAX_QUERY_TEXT ? { problem: `must be at most ${MAX_QUERY_TEXT} characters` } : textSearchQuery(q);
}

export const SEARCH_MODES = ["meaning", "text", "hybrid"] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Where a ranked page of search results starts: an offset into the ranking, opaque to clients. */
export const encodeRankCursor = (offset: number) => toBase64Url(JSON.stringify({ offset }));

function decodeRankCursor(value: string): number | undefined {
	try {
		const parsed: unknown = JSON.parse(fromBase64Url(value));
		const offset = (parsed as { offset?: unknown } | null)?.offset;
		if (Number.isSafeInteger(offset) && (offset as number) >= 0) return offset as number;
	} catch {
		// a malformed cursor is reported as a field error below
	}
	return undefined;
}

export type EventSearch =
	| { mode: "meaning"; filter: EventFilter; query: string; offset: number }
	| { mode: "text"; filter: EventFilter & { match: string }; offset: number }
	/** `filter.match` is unset when `q` holds no words FTS5 can look for (then only meaning ranks). */
	| { mode: "hybrid"; filter: EventFilter; query: string; offset: number };

/**
 * Parses `GET /api/events/search`: the list's filters, `q` and `mode` (meaning by default). By meaning, `q` is
 * any text the encoder embeds; as text, it is the list's `q` (words, phrases, word*, -word, OR), ranked by BM25
 * and paged by a cursor into the ranking; hybrid, both rankings of the same `q`, fused. Every mode pages by a
 * cursor into its ranking.
 */
export function parseEventSearch(params: URLSearchParams): { search?: EventSearch; errors: FieldError[] } {
	const rest = new URLSearchParams(params);
	const q = params.get("q")?.trim() ?? "";
	const mode = params.get("mode") ?? "meaning";
	// A list cursor (timestamp, event_id) sent by meaning was accepted and unused before meaning paged: still ignored there.
	const raw = params.get("cursor");
	const cursor = raw !== null && (mode === "text" || decodeCursor(raw) === undefined) ? raw : null;
	for (const name of ["q", "mode", "cursor"]) rest.delete(name);
	const { filter, errors } = parseEventFilter(rest);
	if (!(SEARCH_MODES as readonly string[]).includes(mode)) errors.push({ field: "mode", message: `must be one of ${SEARCH_MODES.join(", ")}` });
	if (!q) errors.push({ field: "q", message: "is required: what to search for" });
	else if (q.length > MAX_QUERY_TEXT) errors.push({ field: "q", message: `must be at most ${MAX_QUERY_TEXT} characters` });
	else if (mode === "text" || mode === "hybrid") {
		const parsed = parseTextQuery(q);
		if (!("problem" in parsed)) filter.match = parsed.match;
		else if (mode === "text") errors.push({ field: "q", message: parsed.problem });
	}
	let offset = 0;
	if (cursor !== null) {
		const decoded = decodeRankCursor(cursor);
		if (decoded === undefined) errors.push({ field: "cursor", message: "is not a cursor returned by this search" });
		else offset = decoded;
	}
	if (errors.length) return { errors };
	if (mode === "text") return { errors, search: { mode, filter: { ...filter, match: filter.match! }, offset } };
	return { errors, search: { mode: mode === "hybrid" ? "hybrid" : "meaning", filter, query: q, offset } };
}
