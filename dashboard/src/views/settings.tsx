import type { ProjectView } from "../../../core/api-types";
import type { Session } from "../lib/session";

export function Settings({ session, project }: { session: Session; project: ProjectView | null }) {
	const example = `curl -X POST ${session.baseUrl}/v1/events \\
  -H "Authorization: Bearer $BAROMETER_WRITE_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"events":[{"event_id":"evt_1","user_id":"u_1","convo_id":"c_1","model":"gpt-4o","input":"Hi","output":"Hello!"}]}'`;
	return (
		<section>
			<h1>Settings</h1>
			<div class="card">
				<h2>Project</h2>
				<dl class="props">
					<div><dt>Name</dt><dd>{project?.name ?? "—"}</dd></div>
					<div><dt>ID</dt><dd><code>{project?.id ?? "—"}</code></dd></div>
					<div><dt>API</dt><dd><code>{session.baseUrl}</code></dd></div>
					<div><dt>Signed in with</dt><dd><code>{session.key.slice(0, 12)}…</code> (read key)</dd></div>
				</dl>
			</div>
			<div class="card">
				<h2>Send an event</h2>
				<p class="hint">Use the project's write key; write keys can only send, read keys can only read.</p>
				<pre class="code">{example}</pre>
			</div>
		</section>
	);
}
