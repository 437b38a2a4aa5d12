import type { ApiErrorBody } from "../../../core/api-errors";
import type { ConversationView, EventDetail, EventListItem, EventPage, ProjectView } from "../../../core/api-types";
import type { AlertDelivery, AlertRule, ApiKeyView, Comparison, CustomSignal, Intent, IssueDetail, IssueList, Marker, MatrixRow, SignalInfo, SignalRates } from "./view-types";

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

export interface IssueQuery {
	from?: string;
	to?: string;
	signal?: string;
	state?: string;
	intent?: string;
	model?: string;
	properties?: Record<string, string>;
	limit?: number;
}

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

/** A typed client for the API; the key is sent as a bearer header, never in a URL. */
export function createApiClient(opts: { baseUrl: string; key: string; fetch?: typeof fetch }) {
	const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
	async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
		let response: Response;
		try {
			response = await doFetch(new URL(path, opts.baseUrl), {
				method,
				headers: { authorization: `Bearer ${opts.key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
				body: body === undefined ? undefined : JSON.stringify(body),
				signal,
			});
		} catch (err) {
			if ((err as Error).name === "AbortError") throw err;
			throw new ApiClientError(0, "network_error", `Cannot reach the API at ${opts.baseUrl}.`);
		}
		if (response.status === 204) return undefined as T;
		const parsed = (await response.json().catch(() => null)) as (T & Partial<ApiErrorBody>) | null;
		if (!response.ok || parsed === null) {
			throw new ApiClientError(response.status, parsed?.error?.code ?? "bad_response", parsed?.error?.message ?? `HTTP ${response.status}`, parsed?.error?.details);
		}
		return parsed;
	}
	const get = <T>(path: string, signal?: AbortSignal) => request<T>("GET", path, undefined, signal);
	const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);
	const id = encodeURIComponent;
	return {
		project: (signal?: AbortSignal) => data(get<{ data: ProjectView }>("/api/project", signal)),
		markers: (q: { from?: string; to?: string } = {}, signal?: AbortSignal) => data(get<{ data: Marker[] }>(`/api/project/markers${queryString(q)}`, signal)),
		listEvents: (query: EventQuery = {}, signal?: AbortSignal) => get<EventPage>(`/api/events${queryString(query)}`, signal),
		searchEvents: (query: EventQuery, signal?: AbortSignal) => get<{ data: Array<EventListItem & { score: number }>; searched: number }>(`/api/events/search${queryString(query)}`, signal),
		getEvent: (eventId: string, signal?: AbortSignal) => data(get<{ data: EventDetail }>(`/api/events/${id(eventId)}`, signal)),
		getConversation: (convoId: string, signal?: AbortSignal) => data(get<{ data: ConversationView }>(`/api/conversations/${id(convoId)}`, signal)),
		signals: (signal?: AbortSignal) => data(get<{ data: SignalInfo[] }>("/api/signals", signal)),
		signalRates: (q: { from?: string; to?: string } = {}, signal?: AbortSignal) => data(get<{ data: SignalRates }>(`/api/signals/rates${queryString(q)}`, signal)),
		listIssues: (q: IssueQuery = {}, signal?: AbortSignal) => get<IssueList>(`/api/issues${queryString(q)}`, signal),
		getIssue: (issueId: string, q: { from?: string; to?: string } = {}, signal?: AbortSignal) => data(get<{ data: IssueDetail }>(`/api/issues/${id(issueId)}${queryString(q)}`, signal)),
		setIssueState: (issueId: string, body: { state: "resolved" | "ignored" | "ongoing"; reason?: string; until_more_users?: number; in_release?: string }) => request("POST", `/api/issues/${id(issueId)}/state`, body),
		setIssueFactors: (issueId: string, body: { achievable_delta?: number; strategic_relevance?: number }) => request("PATCH", `/api/issues/${id(issueId)}`, body),
		mergeIssue: (issueId: string, into: string) => request("POST", `/api/issues/${id(issueId)}/merge`, { into }),
		splitIssue: (issueId: string) => request("POST", `/api/issues/${id(issueId)}/split`, {}),
		compareIssue: (issueId: string, q: Record<string, string>, signal?: AbortSignal) => data(get<{ data: Comparison }>(`/api/issues/${id(issueId)}/compare${queryString(q)}`, signal)),
		intents: (signal?: AbortSignal) => data(get<{ data: Intent[] }>("/api/intents", signal)),
		intentMatrix: (q: { from?: string; to?: string } = {}, signal?: AbortSignal) => data(get<{ data: MatrixRow[] }>(`/api/intents/matrix${queryString(q)}`, signal)),
		updateIntent: (intentId: string, body: { name?: string; achievable_delta?: number; strategic_relevance?: number }) => request("PATCH", `/api/intents/${id(intentId)}`, body),
		mergeIntent: (intentId: string, into: string) => request("POST", `/api/intents/${id(intentId)}/merge`, { into }),
		splitIntent: (intentId: string) => request("POST", `/api/intents/${id(intentId)}/split`, {}),
		keys: (signal?: AbortSignal) => data(get<{ data: ApiKeyView[] }>("/api/project/keys", signal)),
		createKey: (body: { kind: ApiKeyView["kind"]; name: string }) => data(request<{ data: ApiKeyView }>("POST", "/api/project/keys", body)),
		revokeKey: (keyId: string) => request<void>("DELETE", `/api/project/keys/${id(keyId)}`),
		alertRules: (signal?: AbortSignal) => data(get<{ data: AlertRule[] }>("/api/alerts/rules", signal)),
		createAlertRule: (body: unknown) => data(request<{ data: AlertRule }>("POST", "/api/alerts/rules", body)),
		updateAlertRule: (ruleId: string, body: unknown) => data(request<{ data: AlertRule }>("PATCH", `/api/alerts/rules/${id(ruleId)}`, body)),
		deleteAlertRule: (ruleId: string) => request<void>("DELETE", `/api/alerts/rules/${id(ruleId)}`),
		testAlertRule: (ruleId: string) => data(request<{ data: AlertDelivery }>("POST", `/api/alerts/rules/${id(ruleId)}/test`, {})),
		alertDeliveries: (ruleId: string, signal?: AbortSignal) => data(get<{ data: AlertDelivery[] }>(`/api/alerts/rules/${id(ruleId)}/deliveries?limit=20`, signal)),
		customSignals: (signal?: AbortSignal) => data(get<{ data: CustomSignal[] }>("/api/custom-signals", signal)),
		createCustomSignal: (body: unknown) => data(request<{ data: CustomSignal }>("POST", "/api/custom-signals", body)),
		deleteCustomSignal: (signalId: string) => request<void>("DELETE", `/api/custom-signals/${id(signalId)}`),
	};
}

export type ApiClient = ReturnType<typeof createApiClient>;
