import type { ApiErrorBody } from "../../../core/api-errors";
import type { ConversationView, EventDetail, EventPage, ProjectView } from "../../../core/api-types";

export class ApiClientError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
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

export function eventQueryString(query: EventQuery): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		if (key === "properties" || value === undefined || value === "") continue;
		params.set(key, String(value));
	}
	for (const [name, value] of Object.entries(query.properties ?? {})) {
		if (name && value !== "") params.set(`property.${name}`, value);
	}
	const text = params.toString();
	return text ? `?${text}` : "";
}

/** A typed client for the read API; the read key is sent as a bearer header, never in a URL. */
export function createApiClient(opts: { baseUrl: string; key: string; fetch?: typeof fetch }) {
	const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
	async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
		let response: Response;
		try {
			response = await doFetch(new URL(path, opts.baseUrl), { headers: { authorization: `Bearer ${opts.key}` }, signal });
		} catch (err) {
			if ((err as Error).name === "AbortError") throw err;
			throw new ApiClientError(0, "network_error", `Cannot reach the API at ${opts.baseUrl}.`);
		}
		const body = (await response.json().catch(() => null)) as (T & Partial<ApiErrorBody>) | null;
		if (!response.ok || body === null) {
			throw new ApiClientError(response.status, body?.error?.code ?? "bad_response", body?.error?.message ?? `HTTP ${response.status}`);
		}
		return body;
	}
	return {
		project: (signal?: AbortSignal) => get<{ data: ProjectView }>("/api/project", signal).then((r) => r.data),
		listEvents: (query: EventQuery = {}, signal?: AbortSignal) => get<EventPage>(`/api/events${eventQueryString(query)}`, signal),
		getEvent: (id: string, signal?: AbortSignal) => get<{ data: EventDetail }>(`/api/events/${encodeURIComponent(id)}`, signal).then((r) => r.data),
		getConversation: (id: string, signal?: AbortSignal) =>
			get<{ data: ConversationView }>(`/api/conversations/${encodeURIComponent(id)}`, signal).then((r) => r.data),
	};
}

export type ApiClient = ReturnType<typeof createApiClient>;
