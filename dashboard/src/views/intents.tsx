import { useState } from "preact/hooks";
import { Link } from "../components/navigation";
import { Empty, ErrorState, Loading } from "../components/states";
import { ActionButton, AdminOnly, MergeInto } from "../components/ui";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { WINDOW_DAYS, windowStart } from "../lib/dates";
import { heatStyle, matrixColumns } from "../lib/heatmap";
import type { MatrixRow } from "#core/api/intents";

/** Intent × signal: which requests go wrong, and how, as a heat map; rows ranked by priority. */
export function IntentsView({ api, isAdmin }: { api: ApiClient; isAdmin: boolean }) {
	const state = useAsync((signal) => Promise.all([api.intentMatrix({ from: windowStart() }, signal), api.signals(signal)]), [api]);
	if (state.status === "loading") return <Loading label="Loading intents…" />;
	if (state.status === "error") return <ErrorState error={state.error} onRetry={state.reload} />;
	const [rows, catalog] = state.data;
	if (rows.length === 0) return <Empty title="No intents yet.">Intents are discovered from user inputs once a few similar requests arrive.</Empty>;
	const polarity = (s: string) => (catalog.find((c) => c.name === s)?.polarity === "positive" ? "positive" : "negative");
	const columns = matrixColumns(rows, polarity);
	const max = Math.max(1, ...rows.flatMap((r) => Object.values(r.signals).map((c) => c.pct)));
	const sorted = [...rows].sort((a, b) => b.priority - a.priority || b.users - a.users);
	return (
		<section>
			<h1>Intents</h1>
			<p class="hint">
				Share of each intent's users (last {WINDOW_DAYS} days) who hit each signal. Priority = users with a negative signal × achievable delta × strategic
				relevance.
			</p>
			<div class="table-wrap">
				<table class="heatmap">
					<thead>
						<tr>
							<th>Intent</th>
							<th class="num">Users</th>
							<th class="num">Priority</th>
							{columns.map((c) => (
								<th key={c} class={`col-${polarity(c)}`}>
									<Link href={`/issues?signal=${encodeURIComponent(c)}`}>{c.replaceAll("_", " ")}</Link>
								</th>
							))}
							{isAdmin && <th>Actions</th>}
						</tr>
					</thead>
					<tbody>
						{sorted.map((r) => (
							<tr key={r.intent_id}>
								<th scope="row">
									<Link href={`/issues?intent=${encodeURIComponent(r.intent_id)}`}>{r.name}</Link>
								</th>
								<td class="num">{r.users}</td>
								<td class="num">{r.priority}</td>
								{columns.map((c) => {
									const cell = r.signals[c];
									return (
										<td
											key={c}
											class="num heat"
											style={heatStyle(cell?.pct ?? 0, max, polarity(c))}
											title={cell ? `${cell.users} users (${cell.pct}%)` : "none"}
										>
											{cell ? `${cell.pct}%` : ""}
										</td>
									);
								})}
								{isAdmin && (
									<td>
										<IntentActions api={api} row={r} others={rows.filter((o) => o.intent_id !== r.intent_id)} onChanged={state.reload} />
									</td>
								)}
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<AdminOnly isAdmin={isAdmin}>{null}</AdminOnly>
		</section>
	);
}

function IntentActions({ api, row, others, onChanged }: { api: ApiClient; row: MatrixRow; others: MatrixRow[]; onChanged: () => void }) {
	const [open, setOpen] = useState(false);
	const [name, setName] = useState(row.name);
	const [delta, setDelta] = useState(row.achievable_delta);
	const [relevance, setRelevance] = useState(row.strategic_relevance);
	if (!open)
		return (
			<button type="button" class="button button-quiet" onClick={() => setOpen(true)}>
				Edit
			</button>
		);
	return (
		<div class="intent-edit">
			<label>
				Name <input value={name} onChange={(e) => setName(e.currentTarget.value)} />
			</label>
			<label>
				Achievable delta <input type="number" step="0.1" min="0" max="10" value={delta} onChange={(e) => setDelta(Number(e.currentTarget.value))} />
			</label>
			<label>
				Strategic relevance <input type="number" step="0.1" min="0" max="10" value={relevance} onChange={(e) => setRelevance(Number(e.currentTarget.value))} />
			</label>
			<ActionButton
				kind="primary"
				onClick={() => api.updateIntent(row.intent_id, { name, achievable_delta: delta, strategic_relevance: relevance }).then(onChanged)}
			>
				Save
			</ActionButton>
			<MergeInto targets={others.map((o) => ({ id: o.intent_id, label: o.name }))} onMerge={(into) => api.mergeIntent(row.intent_id, into).then(onChanged)} />
			<ActionButton
				kind="quiet"
				title="Cluster its inputs into sub-intents on the next maintenance pass"
				onClick={() => api.splitIntent(row.intent_id).then(onChanged)}
			>
				Split
			</ActionButton>
		</div>
	);
}
