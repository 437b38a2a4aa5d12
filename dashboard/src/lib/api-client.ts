import type { z } from "zod";
import type { alertRuleInputSchema, alertRulePatchSchema } from "#core/alerts/alert-rule-input";
import type { ApiErrorBody } from "#core/api-errors";
import type { alertDeliveryPageSchema, alertDeliveryResponseSchema, alertRuleListSchema, alertRuleResponseSchema } from "#core/api/alerts";
import type { conversationResponseSchema, EventPage, eventResponseSchema, EventSearchResponse } from "#core/api/events";
import type { intentListSchema, intentMatrixSchema, IntentPatch, intentPatchResponseSchema } from "#core/api/intents";
import type {
	comparisonResponseSchema,
	issueListQuerySchema,
	issueListSchema,
	issueResponseSchema,
	mergeResponseSchema,
	PriorityFactors,
	splitResponseSchema,
	StateChange,
	stateChangeResponseSchema,
} from "#core/api/issues";
import type { apiKeyListSchema, markerListSchema, NewKey, newKeyResponseSchema, projectResponseSchema } from "#core/api/project";
import type { customSignalListSchema, customSignalResponseSchema, signalCatalogSchema, signalRatesResponseSchema } from "#core/api/signals";
import type { customSignalInputSchema } from "#core/detection/custom-signals";

/** A response's type from the api's schema (core/api): a field renamed there breaks the views at compile time. */
type Res<T extends z.ZodType> = z.infer<T>;

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
			throw new ApiClientError(
				response.status,
				parsed?.error?.code ?? "bad_response",
				parsed?.error?.message ?? `HTTP ${response.status}`,
				parsed?.error?.details,
			);
		}
		return parsed;
	}
	const get = <T>(path: string, signal?: AbortSignal) => request<T>("GET", path, undefined, signal);
	const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);
	const id = encodeURIComponent;
	return {
		project: (signal?: AbortSignal) => data(get<Res<typeof projectResponseSchema>>("/api/project", signal)),
		markers: (q: { from?: string; to?: string } = {}, signal?: AbortSignal) =>
			data(get<Res<typeof markerListSchema>>(`/api/project/markers${queryString(q)}`, signal)),
		listEvents: (query: EventQuery = {}, signal?: AbortSignal) => get<EventPage>(`/api/events${queryString(query)}`, signal),
		searchEvents: (query: EventQuery, signal?: AbortSignal) => get<EventSearchResponse>(`/api/events/search${queryString(query)}`, signal),
		getEvent: (eventId: string, signal?: AbortSignal) => data(get<Res<typeof eventResponseSchema>>(`/api/events/${id(eventId)}`, signal)),
		getConversation: (convoId: string, signal?: AbortSignal) => data(get<Res<typeof conversationResponseSchema>>(`/api/conversations/${id(convoId)}`, signal)),
		signals: (signal?: AbortSignal) => data(get<Res<typeof signalCatalogSchema>>("/api/signals", signal)),
		signalRates: (q: { from?: string; to?: string } = {}, signal?: AbortSignal) =>
			data(get<Res<typeof signalRatesResponseSchema>>(`/api/signals/rates${queryString(q)}`, signal)),
		listIssues: (q: IssueQuery = {}, signal?: AbortSignal) => get<Res<typeof issueListSchema>>(`/api/issues${queryString(q)}`, signal),
		getIssue: (issueId: string, q: { from?: string; to?: string } = {}, signal?: AbortSignal) =>
			data(get<Res<typeof issueResponseSchema>>(`/api/issues/${id(issueId)}${queryString(q)}`, signal)),
		setIssueState: (issueId: string, body: StateChange) => request<Res<typeof stateChangeResponseSchema>>("POST", `/api/issues/${id(issueId)}/state`, body),
		setIssueFactors: (issueId: string, body: PriorityFactors) => request<Res<typeof issueResponseSchema>>("PATCH", `/api/issues/${id(issueId)}`, body),
		mergeIssue: (issueId: string, into: string) => request<Res<typeof mergeResponseSchema>>("POST", `/api/issues/${id(issueId)}/merge`, { into }),
		splitIssue: (issueId: string) => request<Res<typeof splitResponseSchema>>("POST", `/api/issues/${id(issueId)}/split`, {}),
		compareIssue: (issueId: string, q: Record<string, string>, signal?: AbortSignal) =>
			data(get<Res<typeof comparisonResponseSchema>>(`/api/issues/${id(issueId)}/compare${queryString(q)}`, signal)),
		intents: (signal?: AbortSignal) => data(get<Res<typeof intentListSchema>>("/api/intents", signal)),
		intentMatrix: (q: { from?: string; to?: string } = {}, signal?: AbortSignal) =>
			data(get<Res<typeof intentMatrixSchema>>(`/api/intents/matrix${queryString(q)}`, signal)),
		updateIntent: (intentId: string, body: IntentPatch) => request<Res<typeof intentPatchResponseSchema>>("PATCH", `/api/intents/${id(intentId)}`, body),
		mergeIntent: (intentId: string, into: string) => request<Res<typeof mergeResponseSchema>>("POST", `/api/intents/${id(intentId)}/merge`, { into }),
		splitIntent: (intentId: string) => request<Res<typeof splitResponseSchema>>("POST", `/api/intents/${id(intentId)}/split`, {}),
		keys: (signal?: AbortSignal) => data(get<Res<typeof apiKeyListSchema>>("/api/project/keys", signal)),
		createKey: (body: NewKey) => data(request<Res<typeof newKeyResponseSchema>>("POST", "/api/project/keys", body)),
		revokeKey: (keyId: string) => request<void>("DELETE", `/api/project/keys/${id(keyId)}`),
		alertRules: (signal?: AbortSignal) => data(get<Res<typeof alertRuleListSchema>>("/api/alerts/rules", signal)),
		createAlertRule: (body: z.input<typeof alertRuleInputSchema>) => data(request<Res<typeof alertRuleResponseSchema>>("POST", "/api/alerts/rules", body)),
		updateAlertRule: (ruleId: string, body: z.input<typeof alertRulePatchSchema>) =>
			data(request<Res<typeof alertRuleResponseSchema>>("PATCH", `/api/alerts/rules/${id(ruleId)}`, body)),
		deleteAlertRule: (ruleId: string) => request<void>("DELETE", `/api/alerts/rules/${id(ruleId)}`),
		testAlertRule: (ruleId: string) => data(request<Res<typeof alertDeliveryResponseSchema>>("POST", `/api/alerts/rules/${id(ruleId)}/test`, {})),
		alertDeliveries: (ruleId: string, signal?: AbortSignal) =>
			data(get<Res<typeof alertDeliveryPageSchema>>(`/api/alerts/rules/${id(ruleId)}/deliveries?limit=20`, signal)),
		customSignals: (signal?: AbortSignal) => data(get<Res<typeof customSignalListSchema>>("/api/custom-signals", signal)),
		createCustomSignal: (body: z.input<typeof customSignalInputSchema>) =>
			data(request<Res<typeof customSignalResponseSchema>>("POST", "/api/custom-signals", body)),
		deleteCustomSignal: (signalId: string) => request<void>("DELETE", `/api/custom-signals/${id(signalId)}`),
	};
}

export type ApiClient = ReturnType<typeof createApiClient>;
