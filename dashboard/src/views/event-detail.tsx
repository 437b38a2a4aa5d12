import { Link } from "../components/navigation";
import { ErrorState, Loading } from "../components/states";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { relativeTime } from "../lib/format";
import { EventTurns, PropertyTable } from "./event-parts";

export function EventDetailView({ api, id }: { api: ApiClient; id: string }) {
	const state = useAsync((signal) => api.getEvent(id, signal), [api, id]);
	if (state.status === "loading") return <Loading label="Loading event…" />;
	if (state.status === "error") return <ErrorState error={state.error} onRetry={state.reload} />;
	const e = state.data;
	return (
		<section>
			<p class="crumbs">
				<Link href="/events">Events</Link> / <code>{e.event_id}</code>
			</p>
			<div class="detail-grid">
				<div class="card">
					<h1 class="event-title">{e.event}</h1>
					<EventTurns event={e} />
					{e.signals.some((s) => s.comment) && (
						<div class="comments">
							<h2>Feedback</h2>
							{e.signals
								.filter((s) => s.comment)
								.map((s) => (
									<blockquote key={s.signal_id}>
										<strong>{s.signal}</strong>: {s.comment}
									</blockquote>
								))}
						</div>
					)}
				</div>
				<aside class="card">
					<dl class="props">
						<div>
							<dt>When</dt>
							<dd title={e.timestamp ?? ""}>{relativeTime(e.timestamp)}</dd>
						</div>
						<div>
							<dt>User</dt>
							<dd>
								<Link href={`/events?user_id=${encodeURIComponent(e.user_id)}`}>{e.user_id}</Link>
							</dd>
						</div>
						{e.convo_id && (
							<div>
								<dt>Conversation</dt>
								<dd>
									<Link href={`/conversations/${encodeURIComponent(e.convo_id)}`}>{e.convo_id}</Link>
								</dd>
							</div>
						)}
						{e.model && (
							<div>
								<dt>Model</dt>
								<dd>{e.model}</dd>
							</div>
						)}
					</dl>
					<h2>Properties</h2>
					<PropertyTable values={e.properties} />
				</aside>
			</div>
		</section>
	);
}
