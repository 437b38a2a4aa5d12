import { useState } from "preact/hooks";
import type { EventSearchResponse } from "#core/api/events";
import { ListEnd } from "../components/list-end";
import { Link, navigate } from "../components/navigation";
import { DetectionBadges, SignalBadges } from "../components/signal-badges";
import { Empty, ErrorState, Loading } from "../components/states";
import { usePages } from "../components/use-pages";
import type { ApiClient } from "../lib/api-client";
import { relativeTime, truncate } from "../lib/format";
import { meaningEndText, wordsEndText, wordsSummaryText } from "../lib/list-paging";

const PAGE = 50;
/** The API's MEANING_DEPTH: search by meaning pages over the nearest this many events. */
const MEANING_DEPTH = 100;

/** Search over events by meaning or by their words (full text, every stored event), with the list's filters, kept in the URL. */
export function SearchView({ api, url }: { api: ApiClient; url: URL }) {
	const p = url.searchParams;
	const q = p.get("q") ?? "";
	const mode = p.get("mode") === "text" ? "text" : "semantic";
	const filters = { model: p.get("model") ?? "", user_id: p.get("user_id") ?? "", from: p.get("from") ?? "", to: p.get("to") ?? "" };
	const [draft, setDraft] = useState({ q, mode, ...filters });
	const state = usePages(
		async (cursor, signal): Promise<EventSearchResponse | null> => {
			if (!q) return null;
			return api.searchEvents({ q, ...filters, limit: PAGE, cursor, mode: mode === "semantic" ? "meaning" : "text" }, signal);
		},
		(page) => ({ items: page?.data ?? [], next: page?.next_cursor ?? null }),
		(e) => e.event_id,
		[api, q, mode, filters.model, filters.user_id, filters.from, filters.to],
	);
	const submit = (e: Event) => {
		e.preventDefault();
		const next = new URLSearchParams(Object.entries(draft).filter(([, v]) => v) as [string, string][]);
		navigate(`/search?${next}`);
	};
	return (
		<section>
			<h1>Search</h1>
			<form class="filters search-form" onSubmit={submit}>
				<label class="grow">
					Search
					<input type="search" value={draft.q} placeholder="e.g. can't read my calendar" onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
				</label>
				<label>
					Mode
					<select value={draft.mode} onChange={(e) => setDraft({ ...draft, mode: e.currentTarget.value as "text" | "semantic" })}>
						<option value="semantic">by meaning</option>
						<option value="text">words</option>
					</select>
				</label>
				<label>
					Model <input value={draft.model} onInput={(e) => setDraft({ ...draft, model: e.currentTarget.value })} />
				</label>
				<label>
					User <input value={draft.user_id} onInput={(e) => setDraft({ ...draft, user_id: e.currentTarget.value })} />
				</label>
				<label>
					From <input type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
				</label>
				<label>
					To <input type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
				</label>
				<button type="submit" class="button button-primary">
					Search
				</button>
			</form>
			{!q && (
				<Empty title="Search your events.">
					“By meaning” finds events about the same thing in other words; “words” finds every stored event with them: "a phrase", refund*, -word, OR.
				</Empty>
			)}
			{state.status === "loading" && q && <Loading label="Searching…" />}
			{state.status === "error" && <ErrorState error={state.error} onRetry={state.reload} />}
			{state.status === "ready" && state.first && (
				<>
					<p class="hint" data-testid="search-summary">
						{state.first.mode === "text"
							? wordsSummaryText(state.items.length, state.first.searched, state.first.ranked)
							: `Showing ${state.items.length} of the ${state.first.ranked ?? state.items.length} nearest by meaning, among ${state.first.searched.toLocaleString("en-US")} matching events, best first.`}
					</p>
					{state.items.length === 0 && <Empty title="Nothing found." />}
					{state.items.length > 0 && (
						<ul class="event-list search-results">
							{state.items.map((e) => (
								<li key={e.event_id} class="event-row">
									<div class="event-meta search-result-head">
										<Link href={`/events/${encodeURIComponent(e.event_id)}`} class="time" title={e.timestamp ?? ""}>
											{relativeTime(e.timestamp)}
										</Link>
										<span class="user">{e.user_id}</span>
										{e.model && <span class="pill pill-muted">{e.model}</span>}
										<span class="pill">
											{mode === "text" ? "relevance" : "similarity"} {e.score}
										</span>
										<DetectionBadges detections={e.detections} />
										<SignalBadges signals={e.signals} />
									</div>
									<div class="event-text">
										<p class="turn-user">{truncate(e.input, 160)}</p>
										{e.output && <p class="turn-assistant muted">{truncate(e.output, 200)}</p>}
									</div>
								</li>
							))}
						</ul>
					)}
					<ListEnd
						shown={state.items.length}
						noun="result"
						hasMore={state.next !== null}
						loading={state.loadingMore}
						error={state.moreError}
						onMore={state.loadMore}
					>
						{state.first.mode === "text"
							? wordsEndText(state.items.length, state.first.searched, state.first.ranked)
							: meaningEndText(state.items.length, state.first.ranked ?? state.items.length, state.first.searched, MEANING_DEPTH)}
					</ListEnd>
				</>
			)}
		</section>
	);
}
