import type { z } from "zod";
import type { ApiErrorBody } from "#core/api-errors";
import type { EventPage, EventSearchResponse } from "#core/api/events";
import type { IntentList } from "#core/api/intents";
import type { issueListQuerySchema } from "#core/api/issues";
import type { RouteBody, RouteKey, RouteParams, RouteResponse } from "#core/api/routes";

export class ApiClientError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details: { field: string; message: string }[] = [],
	) {
		super(message);
	}
}

export interface EventQuery {
	from?: string;
	to?: string;
	user_id?: string;
	convo_id?: string;
	model?: string;
	event?: string;
	q?: string;
	/** property name → value, sent as `property.<name>=<value>`. */
	properties?: Record<string, string>;
	limit?: number;
	cursor?: string;
}

/** `state` as typed in the page's URL: the API refuses one it does not know. */
export type IssueQuery = Omit<z.input<typeof issueListQuerySchema>, "state" | "limit"> & {
	state?: string;
	/** property name → value, sent as `property.<name>=<value>`. */
	properties?: Record<string, string>;
	limit?: number;
};

/** `?a=1&property.plan=pro`: empty values left out. */
export function queryString(query: object): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		if (key === "properties" || value === undefined || value === null || value === "") continue;
		params.set(key, String(value));
	}
	for (const [name, value] of Object.entries((query as { properties?: Record<string, string> }).properties ?? {})) {
		if (name && value !== "") params.set(`property.${name}`, value);
	}
	const text = params.toString();
	return text ? `?${text}` : "";
}

export const eventQueryString = (query: EventQuery) => queryString(query);

type PathOf<K extends RouteKey> = K extends `${string} ${infer P}` ? P : never;

interface CallOptions<K extends RouteKey> {
	params?: RouteParams<PathOf<K>>;
	/** Added as a query string (`queryString`). */
	query?: object;
	body?: RouteBody<K>;
	signal?: AbortSignal;
}

/**
 * A typed client for the API; the key is sent as a bearer header, never in a URL. Each method names
 * its route by the contract's key (core/api/routes.ts), which gives its path, body and answer: a
 * route or field renamed in the api breaks the views at compile time.
 */
export function createApiClient(opts: { baseUrl: string; key: string; fetch?: typeof fetch }) {
	const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
	async function call<K extends RouteKey>(route: K, options: CallOptions<K> = {}): Promise<RouteResponse<K>> {
		const [method, template] = route.split(" ") as [string, string];
		const params = (options.params ?? {}) as Record<string, string>;
		const path = template.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
		const { body, signal } = options;
		let response: Response;
		try {
			response = await doFetch(new URL(path + (options.query ? queryString(options.query) : ""), opts.baseUrl), {
				method,
				headers: { authorization: `Bearer ${opts.key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
				body: body === undefined ? undefined : JSON.stringify(body),
				signal,
			});
		} catch (err) {
			if ((err as Error).name === "AbortError") throw err;
			throw new ApiClientError(0, "network_error", `Cannot reach the API at ${opts.baseUrl}.`);
		}
		if (response.status === 204) return undefined as RouteResponse<K>;
		const parsed = (await response.json().catch(() => null)) as (RouteResponse<K> & Partial<ApiErrorBody>) | null;
		if (!response.ok || parsed === null) {
			throw new ApiClientError(
				response.status,
				parsed?.error?.code ?? "bad_response",
				parsed?.error?.message ?? `HTTP ${response.status}`,
				parsed?.error?.details,
			);
		}
		return parsed;
	}
	const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);
	type Window = { from?: string; to?: string };
	return {
		project: (signal?: AbortSignal) => data(call("GET /api/project", { signal })),
		markers: (query: Window = {}, signal?: AbortSignal) => data(call("GET /api/project/markers", { query, signal })),
		listEvents: (query: EventQuery = {}, signal?: AbortSignal): Promise<EventPage> => call("GET /api/events", { query, signal }),
		searchEvents: (query: EventQuery & { mode?: "meaning" | "text" }, signal?: AbortSignal): Promise<EventSearchResponse> =>
			call("GET /api/events/search", { query, signal }),
		getEvent: (id: string, signal?: AbortSignal) => data(call("GET /api/events/:id", { params: { id }, signal })),
		getConversation: (id: string, page: { limit?: number; cursor?: string } = {}, signal?: AbortSignal) =>
			data(call("GET /api/conversations/:id", { params: { id }, query: page, signal })),
		signals: (signal?: AbortSignal) => data(call("GET /api/signals", { signal })),
		signalRates: (query: Window = {}, signal?: AbortSignal) => data(call("GET /api/signals/rates", { query, signal })),
		listIssues: (query: IssueQuery = {}, signal?: AbortSignal) => call("GET /api/issues", { query, signal }),
		getIssue: (id: string, query: Window = {}, signal?: AbortSignal) => data(call("GET /api/issues/:id", { params: { id }, query, signal })),
		setIssueState: (id: string, body: RouteBody<"POST /api/issues/:id/state">) => call("POST /api/issues/:id/state", { params: { id }, body }),
		setIssueFactors: (id: string, body: RouteBody<"PATCH /api/issues/:id">) => call("PATCH /api/issues/:id", { params: { id }, body }),
		mergeIssue: (id: string, into: string) => call("POST /api/issues/:id/merge", { params: { id }, body: { into } }),
		splitIssue: (id: string) => call("POST /api/issues/:id/split", { params: { id } }),
		compareIssue: (id: string, query: Record<string, string>, signal?: AbortSignal) =>
			data(call("GET /api/issues/:id/compare", { params: { id }, query, signal })),
		/** Turn-level intents (no `level`): the route answers conversation-level ones only when asked. */
		intents: (signal?: AbortSignal) => data(call("GET /api/intents", { signal }) as Promise<IntentList>),
		intentMatrix: (query: Window = {}, signal?: AbortSignal) => data(call("GET /api/intents/matrix", { query, signal })),
		updateIntent: (id: string, body: RouteBody<"PATCH /api/intents/:id">) => call("PATCH /api/intents/:id", { params: { id }, body }),
		mergeIntent: (id: string, into: string) => call("POST /api/intents/:id/merge", { params: { id }, body: { into } }),
		splitIntent: (id: string) => call("POST /api/intents/:id/split", { params: { id } }),
		keys: (signal?: AbortSignal) => data(call("GET /api/project/keys", { signal })),
		createKey: (body: RouteBody<"POST /api/project/keys">) => data(call("POST /api/project/keys", { body })),
		revokeKey: (id: string) => call("DELETE /api/project/keys/:id", { params: { id } }),
		alertRules: (signal?: AbortSignal) => data(call("GET /api/alerts/rules", { signal })),
		createAlertRule: (body: RouteBody<"POST /api/alerts/rules">) => data(call("POST /api/alerts/rules", { body })),
		updateAlertRule: (id: string, body: RouteBody<"PATCH /api/alerts/rules/:id">) => data(call("PATCH /api/alerts/rules/:id", { params: { id }, body })),
		deleteAlertRule: (id: string) => call("DELETE /api/alerts/rules/:id", { params: { id } }),
		testAlertRule: (id: string) => data(call("POST /api/alerts/rules/:id/test", { params: { id } })),
		alertDeliveries: (id: string, cursor?: string, signal?: AbortSignal) =>
			call("GET /api/alerts/rules/:id/deliveries", { params: { id }, query: { limit: 20, cursor }, signal }),
		customSignals: (signal?: AbortSignal) => data(call("GET /api/custom-signals", { signal })),
		createCustomSignal: (body: RouteBody<"POST /api/custom-signals">) => data(call("POST /api/custom-signals", { body })),
		deleteCustomSignal: (id: string) => call("DELETE /api/custom-signals/:id", { params: { id } }),
		deepSearches: (signal?: AbortSignal) => data(call("GET /api/deep-searches", { signal })),
		createDeepSearch: (body: RouteBody<"POST /api/deep-searches">) => data(call("POST /api/deep-searches", { body })),
		getDeepSearch: (id: string, signal?: AbortSignal) => data(call("GET /api/deep-searches/:id", { params: { id }, signal })),
		deepSearchCandidates: (id: string, offset = 0, signal?: AbortSignal) =>
			call("GET /api/deep-searches/:id/candidates", { params: { id }, query: { offset }, signal }),
		deepSearchHistory: (id: string, signal?: AbortSignal) => data(call("GET /api/deep-searches/:id/history", { params: { id }, signal })),
		labelDeepSearch: (id: string, labels: RouteBody<"POST /api/deep-searches/:id/labels">["labels"]) =>
			data(call("POST /api/deep-searches/:id/labels", { params: { id }, body: { labels } })),
		moveOperatingPoint: (id: string, threshold: number) => data(call("PATCH /api/deep-searches/:id", { params: { id }, body: { threshold } })),
		saveDeepSearch: (id: string, body: RouteBody<"POST /api/deep-searches/:id/save">) =>
			data(call("POST /api/deep-searches/:id/save", { params: { id }, body })),
		deleteDeepSearch: (id: string) => call("DELETE /api/deep-searches/:id", { params: { id } }),
		getJob: (id: string, signal?: AbortSignal) => data(call("GET /api/jobs/:id", { params: { id }, signal })),
		askStatus: (signal?: AbortSignal) => data(call("GET /api/ask", { signal })),
		ask: (question: string, signal?: AbortSignal) => data(call("POST /api/ask", { body: { question }, signal })),
	};
}

export type ApiClient = ReturnType<typeof createApiClient>;
