import { ListEnd } from "../components/list-end";
import { Link } from "../components/navigation";
import { Empty, ErrorState, Loading } from "../components/states";
import { usePages } from "../components/use-pages";
import type { ApiClient } from "../lib/api-client";
import { relativeTime } from "../lib/format";
import { plural, showingText } from "../lib/list-paging";
import { EventTurns, PropertyTable } from "./event-parts";

/** Turns per page: each renders its whole input, output and tool calls, so a long conversation loads on demand. */
const TURN_PAGE = 50;

export function ConversationView({ api, id }: { api: ApiClient; id: string }) {
	const state = usePages(
		(cursor, signal) => api.getConversation(id, { limit: TURN_PAGE, cursor }, signal),
		(c) => ({ items: c.events, next: c.next_cursor }),
		(e) => e.event_id,
		[api, id],
	);
	if (state.status === "loading") return <Loading label="Loading conversation…" />;
	if (state.status === "error") return <ErrorState error={state.error} onRetry={state.reload} />;
	const c = state.first;
	const turns = state.items;
	return (
		<section>
			<p class="crumbs">
				<Link href="/events">Events</Link> / conversation <code>{c.convo_id}</code>
			</p>
			<div class="detail-grid">
				<div class="card">
					<h1>{plural(c.event_count, "turn")}</h1>
					{turns.length === 0 && <Empty title="No turns in this conversation." />}
					<ol class="conversation">
						{turns.map((e) => (
							<li key={e.event_id}>
								<div class="turn-head">
									<Link href={`/events/${encodeURIComponent(e.event_id)}`}>{relativeTime(e.timestamp)}</Link>
									{e.model && <span class="pill pill-muted">{e.model}</span>}
								</div>
								<EventTurns event={e} />
							</li>
						))}
					</ol>
					{state.next && <p class="muted">{showingText(turns.length, c.event_count, "turn")}</p>}
					<ListEnd shown={turns.length} noun="turn" hasMore={state.next !== null} loading={state.loadingMore} error={state.moreError} onMore={state.loadMore} />
				</div>
				<aside class="card">
					<h2>User</h2>
					<dl class="props">
						<div>
							<dt>ID</dt>
							<dd>
								<Link href={`/events?user_id=${encodeURIComponent(c.user_id)}`}>{c.user_id}</Link>
							</dd>
						</div>
						<div>
							<dt>First seen</dt>
							<dd>{relativeTime(c.user?.first_seen ?? null)}</dd>
						</div>
						<div>
							<dt>Last seen</dt>
							<dd>{relativeTime(c.user?.last_seen ?? null)}</dd>
						</div>
					</dl>
					<h2>Traits</h2>
					<PropertyTable values={c.user?.traits ?? {}} />
				</aside>
			</div>
		</section>
	);
}
