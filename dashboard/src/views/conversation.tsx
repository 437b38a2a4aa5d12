import { Link } from "../components/navigation";
import { Empty, ErrorState, Loading } from "../components/states";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { relativeTime } from "../lib/format";
import { EventTurns, PropertyTable } from "./event-parts";

export function ConversationView({ api, id }: { api: ApiClient; id: string }) {
	const state = useAsync((signal) => api.getConversation(id, signal), [api, id]);
	if (state.status === "loading") return <Loading label="Loading conversation…" />;
	if (state.status === "error") return <ErrorState error={state.error} onRetry={state.reload} />;
	const c = state.data;
	return (
		<section>
			<p class="crumbs">
				<Link href="/events">Events</Link> / conversation <code>{c.convo_id}</code>
			</p>
			<div class="detail-grid">
				<div class="card">
					<h1>{c.event_count} turns</h1>
					{c.events.length === 0 && <Empty title="No turns in this conversation." />}
					<ol class="conversation">
						{c.events.map((e) => (
							<li key={e.event_id}>
								<div class="turn-head">
									<Link href={`/events/${encodeURIComponent(e.event_id)}`}>{relativeTime(e.timestamp)}</Link>
									{e.model && <span class="pill pill-muted">{e.model}</span>}
								</div>
								<EventTurns event={e} />
							</li>
						))}
					</ol>
					{c.next_cursor && (
						<p class="muted">
							Showing the first {c.events.length} of {c.event_count} turns.
						</p>
					)}
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
					</dl>
					<h2>Traits</h2>
					<PropertyTable values={c.user?.traits ?? {}} />
				</aside>
			</div>
		</section>
	);
}
