import { type Answer, send } from "./soak-client";
import type { Ids } from "./read-fuzz";

/**
 * Every route × every way a request can hold the wrong credentials: no key, a malformed header, an
 * unknown key, a revoked key, a key of the wrong kind, and another project's (admin or write) key
 * asking for this project's ids. Expected: 401 / 403 / 404 (or, for another project's key on its
 * own lists, 2xx holding none of this project's data); never 5xx, never this project's data.
 */
export interface MatrixRoute {
	method: string;
	path: string;
	/** Which key kind the route takes: ingest routes "write", reads "read", settings "admin". */
	needs: "write" | "read" | "admin";
	body?: unknown;
	/** True when the path names one of this project's ids: another project must get a 404 (or 403). */
	namesIds?: boolean;
}

export function matrixRoutes(ids: Ids, keyId: string, customSignalId: string, intentId: string, deadLetterId: string): MatrixRoute[] {
	const event = { events: [{ event_id: "tenant_probe", user_id: "tenant_probe_user", input: "hi" }] };
	return [
		{ method: "POST", path: "/v1/events", needs: "write", body: event },
		{ method: "POST", path: "/v1/signals", needs: "write", body: { signals: [{ event_id: "tenant_probe", signal: "thumbs_up" }] } },
		{ method: "POST", path: "/v1/users/identify", needs: "write", body: { user_id: "tenant_probe_user", traits: { plan: "x" } } },
		{ method: "POST", path: "/v1/traces", needs: "write", body: { resourceSpans: [] } },
		{ method: "GET", path: "/api/project", needs: "read" },
		{ method: "GET", path: "/api/project/markers", needs: "read" },
		{ method: "GET", path: "/api/project/keys", needs: "admin" },
		{ method: "POST", path: "/api/project/keys", needs: "admin", body: { kind: "read", name: "tenant probe" } },
		{ method: "DELETE", path: `/api/project/keys/${keyId}`, needs: "admin", namesIds: true },
		{ method: "GET", path: "/api/project/settings", needs: "read" },
		{ method: "PATCH", path: "/api/project/settings", needs: "admin", body: { retention_days: 1 } },
		{ method: "GET", path: "/api/events", needs: "read" },
		{ method: "GET", path: "/api/events?user_id=soak_u0", needs: "read" },
		{ method: "GET", path: "/api/events/search?q=contacts", needs: "read" },
		{ method: "GET", path: `/api/events/${ids.eventId}`, needs: "read", namesIds: true },
		{ method: "GET", path: `/api/conversations/${ids.convoId}`, needs: "read", namesIds: true },
		{ method: "GET", path: "/api/signals", needs: "read" },
		{ method: "GET", path: "/api/signals/rates", needs: "read" },
		{ method: "GET", path: "/api/signals/refusal/compare?a_from=2026-01-01&a_to=2026-02-01&b_from=2026-02-01&b_to=2026-03-01", needs: "read" },
		{ method: "GET", path: "/api/custom-signals", needs: "read" },
		{ method: "POST", path: "/api/custom-signals", needs: "admin", body: { name: "tenant_probe", description: "probe", examples: ["a"] } },
		{ method: "DELETE", path: `/api/custom-signals/${customSignalId}`, needs: "admin", namesIds: true },
		{ method: "GET", path: "/api/issues", needs: "read" },
		{ method: "GET", path: `/api/issues/${ids.issueId}`, needs: "read", namesIds: true },
		{ method: "GET", path: `/api/issues/${ids.issueId}/compare?by=model&a=gpt-4o&b=llama-3`, needs: "read", namesIds: true },
		{ method: "PATCH", path: `/api/issues/${ids.issueId}`, needs: "admin", body: { achievable_delta: 3 }, namesIds: true },
		{ method: "POST", path: `/api/issues/${ids.issueId}/state`, needs: "admin", body: { state: "ignored" }, namesIds: true },
		{ method: "POST", path: `/api/issues/${ids.issueId}/merge`, needs: "admin", body: { into: ids.issueId }, namesIds: true },
		{ method: "POST", path: `/api/issues/${ids.issueId}/split`, needs: "admin", namesIds: true },
		{ method: "POST", path: `/api/issues/${ids.issueId}/move`, needs: "admin", body: { event_id: ids.eventId }, namesIds: true },
		{ method: "GET", path: "/api/intents", needs: "read" },
		{ method: "GET", path: "/api/intents/matrix", needs: "read" },
		{ method: "PATCH", path: `/api/intents/${intentId}`, needs: "admin", body: { name: "renamed by another project" }, namesIds: true },
		{ method: "POST", path: `/api/intents/${intentId}/split`, needs: "admin", namesIds: true },
		{ method: "POST", path: `/api/intents/${intentId}/merge`, needs: "admin", body: { into: intentId }, namesIds: true },
		{ method: "GET", path: "/api/alerts/rules", needs: "read" },
		{
			method: "POST",
			path: "/api/alerts/rules",
			needs: "admin",
			body: { name: "probe", kind: "new_issue", destination: { type: "webhook", url: "http://localhost:9/x" } },
		},
		{ method: "GET", path: `/api/alerts/rules/${ids.ruleId}`, needs: "read", namesIds: true },
		{ method: "PATCH", path: `/api/alerts/rules/${ids.ruleId}`, needs: "admin", body: { name: "renamed by another project" }, namesIds: true },
		{ method: "GET", path: `/api/alerts/rules/${ids.ruleId}/deliveries`, needs: "read", namesIds: true },
		{ method: "POST", path: `/api/alerts/rules/${ids.ruleId}/test`, needs: "admin", namesIds: true },
		{ method: "DELETE", path: `/api/alerts/rules/${ids.ruleId}`, needs: "admin", namesIds: true },
		{ method: "GET", path: "/api/dead-letters", needs: "read" },
		{ method: "POST", path: "/api/dead-letters/replay", needs: "admin", body: { ids: [deadLetterId] }, namesIds: true },
		{ method: "DELETE", path: "/api/users/soak_u7", needs: "admin", namesIds: true },
	];
}

export interface Credentials {
	/** This project's keys by kind, and revoked ones. */
	own: { write: string; read: string; admin: string };
	revoked: { write: string; read: string; admin: string };
	/** The other project's keys. */
	other: { write: string; read: string; admin: string };
}

interface Cell {
	route: string;
	credential: string;
	status: number;
	ok: boolean;
	why?: string;
}

export interface MatrixResult {
	cells: Cell[];
	violations: Cell[];
	statuses: Map<number, number>;
	refusals: number;
}

/** The credentials each route is tried with, and what is acceptable from each. */
function credentialsFor(route: MatrixRoute, c: Credentials): { name: string; header?: string; accept: (a: Answer) => string | null }[] {
	const denied = (codes: number[]) => (a: Answer) => (codes.includes(a.status) ? null : `expected ${codes.join("/")}`);
	const wrongKinds = (["write", "read", "admin"] as const).filter((k) =>
		route.needs === "write" ? k !== "write" : route.needs === "read" ? k === "write" : k !== "admin",
	);
	return [
		{ name: "no key", accept: denied([401]) },
		{ name: "malformed: Basic", header: "Basic dXNlcjpwYXNz", accept: denied([401]) },
		{ name: "malformed: Bearer with two tokens", header: "Bearer a b", accept: denied([401]) },
		{ name: "malformed: empty Bearer", header: "Bearer ", accept: denied([401]) },
		{ name: "unknown key", header: "Bearer bm_read_thisKeyWasNeverIssued000000000", accept: denied([401]) },
		{ name: `revoked ${route.needs} key`, header: `Bearer ${c.revoked[route.needs]}`, accept: denied([401]) },
		...wrongKinds.map((k) => ({ name: `wrong kind: ${k} key`, header: `Bearer ${c.own[k]}`, accept: denied([403]) })),
		{
			name: `other project's ${route.needs} key`,
			header: `Bearer ${c.other[route.needs]}`,
			accept: (a: Answer) => {
				if (route.namesIds) {
					if (route.path === "/api/dead-letters/replay")
						return a.status < 300 && (a.body as { replayed?: number })?.replayed !== 0
							? "replayed another project's dead letter"
							: a.status >= 500
								? "5xx"
								: null;
					// Deleting a user id is scoped to the caller's project (checked afterwards: this project's user keeps its events).
					if (route.path.startsWith("/api/users/")) return a.status >= 500 ? "5xx" : null;
					if (route.path.includes("/merge") && a.status === 400) return null;
					return [403, 404].includes(a.status) ? null : "expected 404 for another project's id";
				}
				return a.status >= 500 ? "5xx" : null;
			},
		},
	];
}

/**
 * `markers` are strings only this project's data holds (its ids, its users): another project's answer
 * containing one is a leak. Failed authentications are counted per client address by the rate limiter,
 * so each request names its own (cf-connecting-ip); if the runtime overrides it, 429s are waited out.
 */
export async function runMatrix(base: string, routes: MatrixRoute[], creds: Credentials, markers: string[]): Promise<MatrixResult> {
	const cells: Cell[] = [];
	const statuses = new Map<number, number>();
	let refusals = 0;
	let n = 0;
	for (const route of routes) {
		for (const cred of credentialsFor(route, creds)) {
			n++;
			const headers: Record<string, string> = { "content-type": "application/json", "cf-connecting-ip": `10.77.${(n >> 8) & 255}.${n & 255}` };
			if (cred.header !== undefined) headers.authorization = cred.header;
			const answer = await send(
				base,
				{ method: route.method, path: route.path, headers, body: route.body === undefined ? undefined : JSON.stringify(route.body) },
				5,
			);
			refusals += answer.refused;
			statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
			let why = answer.hung ? "hang" : answer.status >= 500 || answer.status === 0 ? `${answer.status}` : cred.accept(answer);
			if (!why && answer.status >= 200 && answer.status < 300 && cred.name.startsWith("other project")) {
				const leaked = markers.find((m) => answer.text.includes(m));
				if (leaked) why = `answer holds this project's ${leaked}`;
			}
			cells.push({
				route: `${route.method} ${route.path}`,
				credential: cred.name,
				status: answer.status,
				ok: !why,
				why: why ? `${why}; got ${answer.status} ${answer.text.slice(0, 200)}` : undefined,
			});
		}
	}
	return { cells, violations: cells.filter((c) => !c.ok), statuses, refusals };
}
