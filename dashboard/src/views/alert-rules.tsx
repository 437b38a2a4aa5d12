import { useState } from "preact/hooks";
import { ALERT_DESTINATION_MODULES } from "#core/alerts/destinations";
import { ErrorState, Loading } from "../components/states";
import { ActionButton, AdminOnly } from "../components/ui";
import { useAsync } from "../components/use-async";
import { ListEnd } from "../components/list-end";
import { usePages } from "../components/use-pages";
import type { ApiClient } from "../lib/api-client";
import { alertRuleBody, describeRule, EMPTY_DRAFT, hourLabel, type AlertRuleDraft } from "../lib/alert-form";
import { relativeTime } from "../lib/format";
import type { AlertRule } from "#core/api/alerts";

/** Settings → alert rules: the list with test / snooze / disable / delete and the delivery log, and the new-rule form. */
export function AlertsCard({ api, isAdmin }: { api: ApiClient; isAdmin: boolean }) {
	const state = useAsync((signal) => api.alertRules(signal), [api]);
	const intents = useAsync((signal) => api.intents(signal), [api]);
	const [draft, setDraft] = useState<AlertRuleDraft>(EMPTY_DRAFT);
	const [secret, setSecret] = useState<string | null>(null);
	const [open, setOpen] = useState<string | null>(null);
	const set = (patch: Partial<AlertRuleDraft>) => setDraft({ ...draft, ...patch });
	return (
		<div class="card">
			<h2>Alert rules</h2>
			{state.status === "loading" && <Loading />}
			{state.status === "error" && <ErrorState error={state.error} onRetry={state.reload} />}
			{state.status === "ready" && state.data.length === 0 && <p class="hint">No rules yet: nobody is told when something breaks.</p>}
			{state.status === "ready" && state.data.length > 0 && (
				<ul class="rules">
					{state.data.map((r) => (
						<li key={r.id}>
							<div class="rule-head">
								<strong>{r.name}</strong> <span class={`pill ${r.status === "active" ? "" : "pill-muted"}`}>{r.status}</span>
								<span class="hint">
									{describeRule(r)} → {r.destination.type} {r.destination.display}
								</span>
							</div>
							{isAdmin && <RuleActions api={api} rule={r} onChanged={state.reload} />}
							<button type="button" class="button button-quiet" onClick={() => setOpen(open === r.id ? null : r.id)}>
								{open === r.id ? "Hide log" : "Delivery log"}
							</button>
							{open === r.id && <DeliveryLog api={api} ruleId={r.id} />}
						</li>
					))}
				</ul>
			)}
			<AdminOnly isAdmin={isAdmin}>
				<form class="rule-form" onSubmit={(e) => e.preventDefault()}>
					<h3 class="wide">New rule</h3>
					<label>
						Name <input value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} />
					</label>
					<label>
						When
						<select value={draft.kind} onChange={(e) => set({ kind: e.currentTarget.value as AlertRuleDraft["kind"] })}>
							<option value="new_issue">a new issue appears</option>
							<option value="regressed">a resolved issue regresses</option>
							<option value="escalating">an issue escalates</option>
							<option value="threshold">a signal crosses a threshold</option>
							<option value="every_match">every flagged interaction</option>
							<option value="daily_brief">once a day: a brief of the last 24 h</option>
						</select>
					</label>
					{draft.kind === "threshold" && (
						<>
							<label>
								Signal <input value={draft.thresholdSignal} onInput={(e) => set({ thresholdSignal: e.currentTarget.value })} />
							</label>
							<label>
								Reaches
								<span class="control-row">
									<input type="number" min="1" value={draft.value} onInput={(e) => set({ value: Number(e.currentTarget.value) })} />
									<select value={draft.metric} onChange={(e) => set({ metric: e.currentTarget.value as AlertRuleDraft["metric"] })}>
										<option value="percent_users">% of users</option>
										<option value="users">users</option>
									</select>
								</span>
							</label>
							<label>
								Within (minutes){" "}
								<input type="number" min="5" value={draft.windowMinutes} onInput={(e) => set({ windowMinutes: Number(e.currentTarget.value) })} />
							</label>
						</>
					)}
					{draft.kind === "escalating" && (
						<label>
							At least (users) <input type="number" min="1" value={draft.minUsers} onInput={(e) => set({ minUsers: Number(e.currentTarget.value) })} />
						</label>
					)}
					{draft.kind === "daily_brief" && (
						<label>
							At (UTC)
							<select value={draft.briefHour} onChange={(e) => set({ briefHour: Number(e.currentTarget.value) })}>
								{Array.from({ length: 24 }, (_, h) => (
									<option key={h} value={h}>
										{hourLabel(h)}
									</option>
								))}
							</select>
						</label>
					)}
					<label>
						Only signals <input value={draft.signals} placeholder="refusal, tool_failure" onInput={(e) => set({ signals: e.currentTarget.value })} />
					</label>
					<label>
						Only models <input value={draft.models} placeholder="gpt-4o" onInput={(e) => set({ models: e.currentTarget.value })} />
					</label>
					<label>
						Only intent
						<select value={draft.intent} onChange={(e) => set({ intent: e.currentTarget.value })}>
							<option value="">any</option>
							{intents.status === "ready" &&
								intents.data.map((i) => (
									<option key={i.id} value={i.id}>
										{i.name}
									</option>
								))}
						</select>
					</label>
					<label>
						Only where <input value={draft.property} placeholder="prompt_version=v12" onInput={(e) => set({ property: e.currentTarget.value })} />
					</label>
					{draft.kind !== "daily_brief" && (
						<label>
							Not again within (minutes){" "}
							<input
								type="number"
								min="0"
								value={draft.throttleMinutes}
								placeholder="default"
								onInput={(e) => set({ throttleMinutes: e.currentTarget.value })}
							/>
						</label>
					)}
					<label class="wide">
						Send to
						<span class="control-row">
							<select value={draft.destinationType} onChange={(e) => set({ destinationType: e.currentTarget.value as AlertRuleDraft["destinationType"] })}>
								{ALERT_DESTINATION_MODULES.map((d) => (
									<option key={d.kind} value={d.kind}>
										{d.label}
									</option>
								))}
							</select>
							<input
								value={draft.url}
								placeholder="https://hooks.slack.com/services/…"
								onInput={(e) => set({ url: e.currentTarget.value })}
								aria-label="Destination URL"
							/>
						</span>
					</label>
					<ActionButton
						kind="primary"
						onClick={async () => {
							const rule = await api.createAlertRule(alertRuleBody(draft));
							setSecret(rule.secret ?? null);
							setDraft(EMPTY_DRAFT);
							state.reload();
						}}
					>
						Create rule
					</ActionButton>
					{secret && (
						<p class="notice" role="status">
							Signing secret (shown once; verify the <code>Barometer-Signature</code> header with it): <code class="secret">{secret}</code>
						</p>
					)}
				</form>
			</AdminOnly>
		</div>
	);
}

function RuleActions({ api, rule, onChanged }: { api: ApiClient; rule: AlertRule; onChanged: () => void }) {
	const [result, setResult] = useState<string | null>(null);
	return (
		<span class="rule-actions">
			<ActionButton
				onClick={async () => {
					const d = await api.testAlertRule(rule.id);
					setResult(`test: ${d.status}${d.status_code ? ` (HTTP ${d.status_code})` : ""}${d.error ? `, ${d.error}` : ""}`);
				}}
			>
				Send test
			</ActionButton>
			{rule.status === "snoozed" ? (
				<ActionButton kind="quiet" onClick={() => api.updateAlertRule(rule.id, { snooze_minutes: 0 }).then(onChanged)}>
					Unsnooze
				</ActionButton>
			) : (
				<ActionButton kind="quiet" onClick={() => api.updateAlertRule(rule.id, { snooze_minutes: 60 }).then(onChanged)}>
					Snooze 1 h
				</ActionButton>
			)}
			<ActionButton kind="quiet" onClick={() => api.updateAlertRule(rule.id, { enabled: !rule.enabled }).then(onChanged)}>
				{rule.enabled ? "Disable" : "Enable"}
			</ActionButton>
			<ActionButton kind="danger" onClick={() => api.deleteAlertRule(rule.id).then(onChanged)}>
				Delete
			</ActionButton>
			{result && <span class="hint">{result}</span>}
		</span>
	);
}

function DeliveryLog({ api, ruleId }: { api: ApiClient; ruleId: string }) {
	const state = usePages(
		(cursor, signal) => api.alertDeliveries(ruleId, cursor, signal),
		(page) => ({ items: page.data, next: page.next_cursor }),
		(d) => d.id,
		[api, ruleId],
	);
	if (state.status === "loading") return <Loading />;
	if (state.status === "error") return <ErrorState error={state.error} onRetry={state.reload} />;
	if (state.items.length === 0) return <p class="hint">Nothing sent yet.</p>;
	return (
		<>
			<table class="delivery-log">
				<tbody>
					{state.items.map((d) => (
						<tr key={d.id}>
							<td>{relativeTime(d.created_at)}</td>
							<td>{d.title}</td>
							<td>
								<span class={`pill ${d.status === "sent" ? "" : "pill-muted"}`}>{d.status}</span>
							</td>
							<td>{d.status_code ?? ""}</td>
							<td class="hint">
								{d.attempts} attempt(s){d.error ? ` · ${d.error}` : ""}
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<ListEnd
				shown={state.items.length}
				noun="delivery"
				hasMore={state.next !== null}
				loading={state.loadingMore}
				error={state.moreError}
				onMore={state.loadMore}
			/>
		</>
	);
}
