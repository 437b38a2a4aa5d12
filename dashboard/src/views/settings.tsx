import { useState } from "preact/hooks";
import type { ProjectView } from "#core/api/project";
import { Link } from "../components/navigation";
import { ErrorState, Loading } from "../components/states";
import { ActionButton, AdminOnly } from "../components/ui";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { relativeTime } from "../lib/format";
import type { Session } from "../lib/session";
import { AlertsCard } from "./alert-rules";

export function Settings({ api, session, project }: { api: ApiClient; session: Session; project: ProjectView | null }) {
	const isAdmin = project?.key_kind === "admin";
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
					<div>
						<dt>Name</dt>
						<dd>{project?.name ?? "—"}</dd>
					</div>
					<div>
						<dt>ID</dt>
						<dd>
							<code>{project?.id ?? "—"}</code>
						</dd>
					</div>
					<div>
						<dt>API</dt>
						<dd>
							<code>{session.baseUrl}</code> ·{" "}
							<a href={`${session.baseUrl.replace(/\/+$/, "")}/api/openapi.json`} target="_blank" rel="noreferrer">
								OpenAPI description
							</a>
						</dd>
					</div>
					<div>
						<dt>MCP server</dt>
						<dd>
							<code>{`${session.baseUrl.replace(/\/+$/, "")}/mcp`}</code> · for your AI assistant, with a read key (README, “MCP”)
						</dd>
					</div>
					<div>
						<dt>Signed in with</dt>
						<dd>
							<code>{session.key.slice(0, 12)}…</code> ({project?.key_kind ?? "…"} key)
						</dd>
					</div>
				</dl>
			</div>
			<div class="card">
				<h2>Send an event</h2>
				<p class="hint">Use the project's write key; write keys can only send, read keys can only read.</p>
				<pre class="code">{example}</pre>
			</div>
			<AdminOnly isAdmin={isAdmin}>
				<KeysCard api={api} />
			</AdminOnly>
			<AlertsCard api={api} isAdmin={isAdmin} />
			<CustomSignalsCard api={api} isAdmin={isAdmin} />
		</section>
	);
}

function KeysCard({ api }: { api: ApiClient }) {
	const state = useAsync((signal) => api.keys(signal), [api]);
	const [kind, setKind] = useState<"write" | "read" | "admin">("write");
	const [name, setName] = useState("");
	const [created, setCreated] = useState<string | null>(null);
	return (
		<div class="card">
			<h2>API keys</h2>
			{state.status === "loading" && <Loading />}
			{state.status === "error" && <ErrorState error={state.error} onRetry={state.reload} />}
			{state.status === "ready" && (
				<div class="table-wrap">
					<table class="keys-table">
						<thead>
							<tr>
								<th>Name</th>
								<th>Kind</th>
								<th class="col-optional">Key</th>
								<th class="col-optional">Created</th>
								<th />
							</tr>
						</thead>
						<tbody>
							{state.data.map((k) => (
								<tr key={k.id} class={k.revoked_at ? "revoked" : ""}>
									<td>
										{k.name}
										{k.current && <span class="pill">this session</span>}
									</td>
									<td>{k.kind}</td>
									<td class="col-optional">
										<code>{k.prefix}…</code>
									</td>
									<td class="col-optional">{relativeTime(k.created_at)}</td>
									<td>
										{k.revoked_at
											? `revoked ${relativeTime(k.revoked_at)}`
											: !k.current && (
													<ActionButton kind="danger" onClick={() => api.revokeKey(k.id).then(state.reload)}>
														Revoke
													</ActionButton>
												)}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			<form class="inline-form" onSubmit={(e) => e.preventDefault()}>
				<select value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)} aria-label="Key kind">
					<option value="write">write (send events)</option>
					<option value="read">read (dashboard, API)</option>
					<option value="admin">admin (settings)</option>
				</select>
				<input value={name} placeholder="name, e.g. production app" onInput={(e) => setName(e.currentTarget.value)} aria-label="Key name" />
				<ActionButton
					kind="primary"
					onClick={async () => {
						const k = await api.createKey({ kind, name: name || `${kind} key` });
						setCreated(k.key ?? null);
						state.reload();
					}}
				>
					Create key
				</ActionButton>
			</form>
			{created && (
				<p class="notice" role="status">
					New key (shown once, copy it now): <code class="secret">{created}</code>
				</p>
			)}
		</div>
	);
}

function CustomSignalsCard({ api, isAdmin }: { api: ApiClient; isAdmin: boolean }) {
	const state = useAsync((signal) => api.customSignals(signal), [api]);
	const [name, setName] = useState("");
	const [keywords, setKeywords] = useState("");
	const [field, setField] = useState<"input" | "output" | "both">("both");
	return (
		<div class="card">
			<h2>Custom signals</h2>
			<p class="hint">Keywords over inputs or outputs, counted like the built-in signals on every new event.</p>
			{state.status === "ready" && (
				<ul class="rules">
					{state.data.map((s) => (
						<li key={s.id}>
							<strong>{s.name}</strong>{" "}
							<span class="hint">
								{s.polarity} · {s.field} ·{" "}
								{s.deep_search_id ? (
									<Link href={`/deep-searches/${encodeURIComponent(s.deep_search_id)}`}>saved deep search →</Link>
								) : s.keywords ? (
									s.keywords.join(", ")
								) : (
									`/${s.regex}/`
								)}
							</span>
							{isAdmin && (
								<ActionButton kind="danger" onClick={() => api.deleteCustomSignal(s.id).then(state.reload)}>
									Delete
								</ActionButton>
							)}
						</li>
					))}
				</ul>
			)}
			{state.status === "error" && <ErrorState error={state.error} onRetry={state.reload} />}
			<AdminOnly isAdmin={isAdmin}>
				<form class="inline-form" onSubmit={(e) => e.preventDefault()}>
					<input value={name} placeholder="name, e.g. mentions_competitor" onInput={(e) => setName(e.currentTarget.value)} aria-label="Signal name" />
					<input value={keywords} placeholder="keywords, comma separated" onInput={(e) => setKeywords(e.currentTarget.value)} aria-label="Keywords" />
					<select value={field} onChange={(e) => setField(e.currentTarget.value as typeof field)} aria-label="Field">
						<option value="both">input or output</option>
						<option value="input">input</option>
						<option value="output">output</option>
					</select>
					<ActionButton
						kind="primary"
						onClick={() =>
							api
								.createCustomSignal({
									name,
									polarity: "negative",
									field,
									keywords: keywords
										.split(",")
										.map((k) => k.trim())
										.filter(Boolean),
								})
								.then(() => {
									setName("");
									setKeywords("");
									state.reload();
								})
						}
					>
						Add
					</ActionButton>
				</form>
			</AdminOnly>
		</div>
	);
}
