import { useEffect, useRef, useState } from "preact/hooks";
import type { EventListItem } from "#core/api/events";
import { Link, navigate } from "../components/navigation";
import { DetectionBadges, SignalBadges } from "../components/signal-badges";
import { Empty, ErrorState, Loading } from "../components/states";
import type { ApiClient, EventQuery } from "../lib/api-client";
import { mergeNewest } from "../lib/event-stream";
import { allShownText } from "../lib/list-paging";
import { relativeTime, truncate } from "../lib/format";

const POLL_MS = 1000;
const MAX_ROWS = 500;
const FILTER_FIELDS = [
	{ name: "q", label: "Text contains" },
	{ name: "user_id", label: "User" },
	{ name: "convo_id", label: "Conversation" },
	{ name: "model", label: "Model" },
] as const;

function queryFromUrl(url: URL): EventQuery {
	const q: EventQuery = {};
	for (const { name } of FILTER_FIELDS) {
		const v = url.searchParams.get(name);
		if (v) q[name] = v;
	}
	const prop = url.searchParams.get("property");
	const [pk, pv] = prop ? prop.split("=", 2) : [];
	if (pk && pv !== undefined) q.properties = { [pk]: pv };
	return q;
}

/** The live event stream: the first page is polled and merged; older pages load on demand. */
export function EventStream({ api, url }: { api: ApiClient; url: URL }) {
	const query = queryFromUrl(url);
	const queryKey = JSON.stringify(query);
	const [events, setEvents] = useState<EventListItem[] | null>(null);
	const [cursor, setCursor] = useState<string | null>(null);
	const [error, setError] = useState<Error | null>(null);
	const [live, setLive] = useState(true);
	const [attempt, setAttempt] = useState(0);
	const [fresh, setFresh] = useState<Set<string>>(new Set());
	const eventsRef = useRef<EventListItem[] | null>(null);
	eventsRef.current = events;

	useEffect(() => {
		let stopped = false;
		let timer: ReturnType<typeof setTimeout> | undefined;
		const controller = new AbortController();
		setEvents(null);
		setError(null);
		async function poll(first: boolean) {
			try {
				const page = await api.listEvents(query, controller.signal);
				if (stopped) return;
				if (first) {
					setEvents(page.data);
					setCursor(page.next_cursor);
				} else {
					const { events: merged, after } = mergeNewest(eventsRef.current ?? [], page.data, MAX_ROWS);
					if (after) setCursor(after);
					const known = new Set((eventsRef.current ?? []).map((e) => e.event_id));
					setFresh(new Set(page.data.filter((e) => !known.has(e.event_id)).map((e) => e.event_id)));
					setEvents(merged);
				}
				setError(null);
			} catch (err) {
				if (!stopped) setError(err as Error);
			}
			if (!stopped && live) timer = setTimeout(() => poll(false), POLL_MS);
		}
		void poll(true);
		return () => {
			stopped = true;
			controller.abort();
			clearTimeout(timer);
		};
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [api, queryKey, live, attempt]);

	async function loadOlder() {
		if (!cursor) return;
		try {
			const page = await api.listEvents({ ...query, cursor });
			setEvents((current) => [...(current ?? []), ...page.data]);
			setCursor(page.next_cursor);
		} catch (err) {
			setError(err as Error);
		}
	}

	function applyFilters(e: Event) {
		e.preventDefault();
		const form = new FormData(e.currentTarget as HTMLFormElement);
		const params = new URLSearchParams();
		for (const [k, v] of form) if (typeof v === "string" && v.trim()) params.set(k, v.trim());
		navigate(params.size ? `/events?${params}` : "/events");
	}

	return (
		<section>
			<div class="page-head">
				<h1>Events</h1>
				<label class="live-toggle">
					<input type="checkbox" checked={live} onChange={(e) => setLive(e.currentTarget.checked)} />
					<span class={live ? "live-dot on" : "live-dot"} aria-hidden="true" /> Live
				</label>
			</div>
			<form class="filters" onSubmit={applyFilters} key={queryKey}>
				{FILTER_FIELDS.map((f) => (
					<input key={f.name} name={f.name} placeholder={f.label} aria-label={f.label} value={url.searchParams.get(f.name) ?? ""} />
				))}
				<input name="property" placeholder="property=value" aria-label="Property filter" value={url.searchParams.get("property") ?? ""} />
				<button class="button" type="submit">
					Filter
				</button>
			</form>
			{error && <ErrorState error={error} onRetry={() => setAttempt((n) => n + 1)} />}
			{events === null && !error && <Loading label="Loading events…" />}
			{events !== null && events.length === 0 && (
				<Empty title={url.search ? "No events match these filters." : "No events yet."}>
					{url.search
						? "Clear the filters to see everything."
						: "Send one with POST /v1/events; it shows up here within seconds. See Settings for a curl example."}
				</Empty>
			)}
			{events !== null && events.length > 0 && (
				<ul class="event-list">
					{events.map((e) => (
						<li key={e.event_id} class={fresh.has(e.event_id) ? "event-row fresh" : "event-row"}>
							<Link href={`/events/${encodeURIComponent(e.event_id)}`} class="event-link">
								<div class="event-meta">
									<span class="time" title={e.timestamp ?? ""}>
										{relativeTime(e.timestamp)}
									</span>
									<span class="pill">{e.event}</span>
									{e.model && <span class="pill pill-muted">{e.model}</span>}
									<span class="user">{e.user_id}</span>
									{e.tool_call_count > 0 && <span class="pill pill-muted">{e.tool_call_count} tool calls</span>}
									<DetectionBadges detections={e.detections} />
									<SignalBadges signals={e.signals} />
								</div>
								<div class="event-text">
									{e.input && <p class="turn-user">{truncate(e.input, 180)}</p>}
									{e.output && <p class="turn-assistant">{truncate(e.output, 220)}</p>}
								</div>
							</Link>
						</li>
					))}
				</ul>
			)}
			{cursor && (
				<button type="button" class="button load-more" onClick={loadOlder}>
					Load older events
				</button>
			)}
			{!cursor && events !== null && events.length > 0 && (
				<p class="list-end list-end-done" data-testid="list-end">
					{allShownText(events.length, "event")}
				</p>
			)}
		</section>
	);
}
