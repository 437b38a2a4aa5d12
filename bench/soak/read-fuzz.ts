import fc from "fast-check";
import { bearer, pool, send, Tally } from "./soak-client";

/**
 * Generated query strings against every read route (workers/api/src/routes/*.ts): edge values for
 * dates, limits, cursors, text searches with regex / LIKE / FTS metacharacters, ids and unknown
 * parameters, and raw malformed query strings. A read must answer 2xx or a 4xx in the one error
 * shape; never a 5xx, never a hang.
 */
export interface ReadRoute {
	path: string;
	params: string[];
	/** Admin-only reads are sent with the admin key. */
	admin?: boolean;
	/** Valid queries that generated parameters are added to, so the fuzz reaches past the first check. */
	bases?: string[];
}

export interface Ids {
	eventId: string;
	convoId: string;
	issueId: string;
	ruleId: string;
}

export function readRoutes(ids: Ids): ReadRoute[] {
	const window = ["from", "to"];
	const eventFilters = [...window, "user_id", "convo_id", "model", "event", "q", "limit", "cursor", "property.plan", "property.platform"];
	const compare = ["a_from", "a_to", "b_from", "b_to", "by", "a", "b"];
	const compareBases = ["a_from=2026-10-01&a_to=2026-11-01&b_from=2026-11-01&b_to=2026-12-01", "by=model&a=gpt-4o&b=llama-3", "by=property.plan&a=pro&b=free"];
	return [
		{ path: "/api/health", params: [] },
		{ path: "/api/project", params: [] },
		{ path: "/api/project/markers", params: window },
		{ path: "/api/project/keys", params: [], admin: true },
		{ path: "/api/project/settings", params: [] },
		{ path: "/api/events", params: eventFilters },
		{ path: "/api/events/search", params: eventFilters },
		{ path: `/api/events/${ids.eventId}`, params: [] },
		{ path: `/api/conversations/${ids.convoId}`, params: ["limit", "cursor"] },
		{ path: "/api/signals", params: [] },
		{ path: "/api/signals/rates", params: [...window, "signal"] },
		{ path: "/api/signals/refusal/compare", params: compare, bases: compareBases },
		{ path: "/api/custom-signals", params: [] },
		{ path: "/api/issues", params: [...window, "signal", "state", "intent", "model", "property.plan", "limit"] },
		{ path: `/api/issues/${ids.issueId}`, params: window },
		{ path: `/api/issues/${ids.issueId}/compare`, params: compare, bases: compareBases },
		{ path: "/api/intents", params: [...window, "level"] },
		{ path: "/api/intents/matrix", params: window },
		{ path: "/api/alerts/rules", params: [] },
		{ path: `/api/alerts/rules/${ids.ruleId}`, params: [] },
		{ path: `/api/alerts/rules/${ids.ruleId}/deliveries`, params: ["limit", "cursor"] },
		{ path: "/api/dead-letters", params: ["limit", "cursor"] },
	];
}

const edgeValue: fc.Arbitrary<string> = fc.oneof(
	fc.constantFrom(
		"",
		" ",
		"0",
		"-1",
		"1",
		"100",
		"101",
		"1e400",
		"-1e400",
		"NaN",
		"Infinity",
		"-Infinity",
		"null",
		"undefined",
		"true",
		"[]",
		"{}",
		"0x10",
		"1.5",
		"9".repeat(400),
	),
	fc.constantFrom(
		"8640000000000000",
		"8640000000000001",
		"-8640000000000001",
		"9007199254740993",
		"2026-02-30",
		"2026-13-01",
		"2026-11-22T25:61:00Z",
		"+275760-09-13T00:00:00.001Z",
		"-271821-04-20T00:00:00Z",
		"0001-01-01",
		"9999-12-31T23:59:59.999Z",
		"2026-11-22T10:15:00+99:00",
		"yesterday",
	),
	fc.constantFrom(
		"%",
		"_",
		"%%",
		"\\",
		"'",
		'"',
		"' OR 1=1 --",
		'"fts" NEAR(a b)',
		"a* OR b*",
		"(.*)+$",
		"[a-",
		"^$",
		"*",
		"\u0000",
		"\uD800",
		"😀",
		"NOT",
		"MATCH",
		"%25",
		"eyJ0aW1lc3RhbXAiOjF9",
		"eyJ0aW1lc3RhbXAiOiJ4IiwiZXZlbnRJZCI6MX0",
		"eyJ0aW1lc3RhbXAiOjg2NDAwMDAwMDAwMDAwMDEsImV2ZW50SWQiOiJ4In0",
		"bm90IGpzb24",
		"model",
		"property.plan",
	),
	fc.integer().map(String),
	fc.double().map(String),
	fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? "Invalid Date" : d.toISOString())),
	fc.string({ unit: "binary", maxLength: 60 }),
	fc.string({ unit: "grapheme", minLength: 480, maxLength: 700 }),
	fc.uint8Array({ minLength: 1, maxLength: 48 }).map((b) => Buffer.from(b).toString("base64url")),
	fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? "null").toString("base64url")),
);

const UNKNOWN = ["foo", "limit[]", "__proto__", "constructor", "property.", "property.a.b", "property.__proto__", "a_from", "offset", "sort"];

/** Encodes a value as a client would, or deliberately badly (raw `%`, lone surrogate escapes). */
function encode(value: string, raw: boolean): string {
	if (!raw) {
		try {
			return encodeURIComponent(value);
		} catch {
			return value.replace(/[\uD800-\uDFFF]/g, "%ED%A0%80");
		}
	}
	return value.replace(/[#\s]/g, "+").replace(/[\uD800-\uDFFF]/g, "%ED%A0%80");
}

export function queryArbitrary(route: ReadRoute): fc.Arbitrary<string> {
	const names = [...route.params, ...UNKNOWN];
	const pair = fc.tuple(
		fc.constantFrom(...names),
		edgeValue,
		fc.boolean().map((b) => b && Math.random() < 0.1),
	);
	const structured = fc
		.array(pair, { minLength: 0, maxLength: 6 })
		.map((pairs) => pairs.map(([k, v, raw]) => `${encodeURIComponent(k)}=${encode(v, raw)}`).join("&"));
	const malformed = fc.constantFrom(
		"%",
		"%E0%A4%A",
		"a=%",
		"=&=&=",
		"&&&",
		"limit=1&limit=2&limit=x",
		"from",
		"q=%00",
		"q=" + "%25".repeat(300),
		"property.plan=a&".repeat(30),
		"cursor=" + "A".repeat(5000),
	);
	if (!route.bases) return fc.oneof({ weight: 9, arbitrary: structured }, { weight: 1, arbitrary: malformed });
	const fromBase = fc
		.tuple(fc.constantFrom(...route.bases), fc.array(pair, { maxLength: 2 }))
		.map(([b, pairs]) => [b, ...pairs.map(([k, v, raw]) => `${encodeURIComponent(k)}=${encode(v, raw)}`)].join("&"));
	return fc.oneof({ weight: 5, arbitrary: structured }, { weight: 4, arbitrary: fromBase }, { weight: 1, arbitrary: malformed });
}

export interface ReadFuzzResult {
	route: string;
	tally: Tally;
}

export async function fuzzReads(
	base: string,
	readKey: () => string,
	adminKey: () => string,
	routes: ReadRoute[],
	perRoute: (route: ReadRoute) => number,
	seed: number,
	concurrency = 8,
): Promise<ReadFuzzResult[]> {
	const out: ReadFuzzResult[] = [];
	for (const [r, route] of routes.entries()) {
		const queries = fc.sample(queryArbitrary(route), { numRuns: perRoute(route), seed: seed + r });
		const tally = new Tally();
		const started = Date.now();
		await pool(queries, concurrency, async (query) => {
			const path = `${route.path}${query ? `?${query}` : ""}`;
			const answer = await send(base, { method: "GET", path, headers: bearer(route.admin ? adminKey() : readKey()) });
			tally.record(answer, () => `GET ${path.slice(0, 600)}`);
		});
		out.push({ route: route.path, tally });
		console.log(
			`  GET ${route.path}: ${tally.cases} in ${((Date.now() - started) / 1000).toFixed(0)} s; ${tally.histogram()}; 5xx ${tally.fiveXx}, hangs ${tally.hangs}, max ${(tally.maxMs / 1000).toFixed(1)} s`,
		);
	}
	return out;
}
