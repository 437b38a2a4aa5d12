import { useState } from "preact/hooks";
import { Link, navigate } from "../components/navigation";
import { DetectionBadges, SignalBadges } from "../components/signal-badges";
import { Empty, ErrorState, Loading } from "../components/states";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { relativeTime, truncate } from "../lib/format";

/** Search over events by meaning or by their words (full text, every stored event), with the list's filters, kept in the URL. */
export function SearchView({ api, url }: { api: ApiClient; url: URL }) {
	const p = url.searchParams;
	const q = p.get("q") ?? "";
	const mode = p.get("mode") === "text" ? "text" : "semantic";
	const filters = { model: p.get("model") ?? "", user_id: p.get("user_id") ?? "", from: p.get("from") ?? "", to: p.get("to") ?? "" };
	const [draft, setDraft] = useState({ q, mode, ...filters });
	const state = useAsync(
		async (signal) => {
			if (!q) return null;
			const query = { q, ...filters, limit: 50 };
			return api.searchEvents({ ...query, mode: mode === "semantic" ? "meaning" : "text" }, signal);
		},
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
			{state.status === "ready" && state.data && (
				<>
					<p class="hint">
						{state.data.data.length} results
						{state.data.mode === "text"
							? ` of ${state.data.searched} events with these words, best first`
							: `, ranked among the ${state.data.searched} newest matching events`}
						.
					</p>
					{state.data.data.length === 0 && <Empty title="Nothing found." />}
					<ul class="event-list">
						{state.data.data.map((e) => (
							<li key={e.event_id} class="event-row">
								<div class="event-row-head">
									<Link href={`/events/${encodeURIComponent(e.event_id)}`}>{relativeTime(e.timestamp)}</Link>
									<span class="hint">{e.user_id}</span>
									{e.model && <span class="pill pill-muted">{e.model}</span>}
									<span class="pill">
										{mode === "text" ? "relevance" : "similarity"} {e.score}
									</span>
									<DetectionBadges detections={e.detections} />
									<SignalBadges signals={e.signals} />
								</div>
								<div class="event-row-text">
									<strong>{truncate(e.input, 160)}</strong>
									<div class="muted">{truncate(e.output, 200)}</div>
								</div>
							</li>
						))}
					</ul>
				</>
			)}
		</section>
	);
}
