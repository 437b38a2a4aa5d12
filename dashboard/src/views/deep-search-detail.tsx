import { useEffect, useState } from "preact/hooks";
import type { DeepSearch } from "#core/api/deep-searches";
import { CalibrationChart } from "../components/calibration-chart";
import { Link, navigate } from "../components/navigation";
import { Empty, ErrorState, Loading } from "../components/states";
import { ActionButton, Stat } from "../components/ui";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { clampThreshold, hasCurve, labelSummary, nearestPoint, percent, searchStatus, withInterval } from "../lib/deep-search";
import { pathFor } from "../lib/routes";
import { type KeyKind, ReadOnlyNote } from "./deep-searches";
import { ClarifyingQuestion, HistoryTable, LabelRound, PoolBrowser } from "./deep-search-parts";
import { SaveCard } from "./deep-search-save";

type Rejected = { event_id: string; reason: string }[];

/** One deep search: the round to label, the calibration curve and its operating point, saving as a signal, the history. */
export function DeepSearchDetailView({ api, id, keyKind }: { api: ApiClient; id: string; keyKind: KeyKind | null }) {
	const isAdmin = keyKind === "admin";
	const loaded = useAsync((signal) => api.getDeepSearch(id, signal), [api, id]);
	// Each change answers with the search as it now is; that answer replaces the loaded one.
	// (app.tsx keys this view by id, so another search starts afresh.)
	const [fresh, setFresh] = useState<{ search: DeepSearch; rejected: Rejected } | null>(null);
	if (loaded.status === "loading") return <Loading />;
	if (loaded.status === "error") return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
	const search = fresh?.search ?? loaded.data;
	const update = (next: DeepSearch, rejected: Rejected = []) => setFresh({ search: next, rejected });
	const status = searchStatus(search);
	const current = hasCurve(search) ? nearestPoint(search.calibration.points, search.threshold) : null;
	return (
		<section class="deep-search">
			<p class="crumbs">
				<Link href={pathFor("deepSearches")}>Deep search</Link> / {search.id}
			</p>
			<div class="issue-head">
				<div class="deep-search-title">
					<span class={`state-badge state-${status.tone}`}>{status.label}</span>
					<blockquote class="definition">{search.definition}</blockquote>
				</div>
				{isAdmin && (
					<ActionButton
						kind="danger"
						onClick={async () => {
							if (!confirm("Delete this deep search? A saved signal stops detecting.")) return;
							await api.deleteDeepSearch(search.id);
							navigate(pathFor("deepSearches"));
						}}
					>
						Delete
					</ActionButton>
				)}
			</div>
			{keyKind === "read" && <ReadOnlyNote />}
			{search.note && (
				<p class="notice notice-info" role="status">
					{search.note}
				</p>
			)}
			<div class="stats">
				<Stat label="Labels" value={search.labels.total} hint={labelSummary(search.labels)} />
				<Stat label="Pool" value={search.pool.size} hint="events the search looked at" />
				<Stat label="Predicted matches" value={search.pool.predicted_matches} hint={`at threshold ${search.threshold.toFixed(2)}`} />
				<Stat
					label="Precision · recall"
					value={current ? `${percent(current.precision)} · ${percent(current.recall)}` : "—"}
					hint={current ? "at the current operating point" : "once two of each kind are labelled"}
				/>
			</div>
			{fresh && fresh.rejected.length > 0 && (
				<div class="notice notice-warn" role="alert">
					<strong>
						{fresh.rejected.length} label{fresh.rejected.length === 1 ? " was" : "s were"} not kept:
					</strong>
					<ul>
						{fresh.rejected.map((r) => (
							<li key={r.event_id}>
								<code>{r.event_id}</code>: {r.reason}
							</li>
						))}
					</ul>
				</div>
			)}
			{search.question && <ClarifyingQuestion api={api} question={search.question} />}
			<div class="card">
				<h2>Label the next round</h2>
				{search.next.length === 0 ? (
					<Empty title="Nothing left to label.">The search has no more informative candidates; the curve below is as good as these labels make it.</Empty>
				) : (
					<>
						<p class="hint">
							{isAdmin
								? "The candidates that would teach the detector most. Does each one match the definition?"
								: "The candidates that would teach the detector most, for someone with an admin key to label."}
						</p>
						<LabelRound
							key={search.version}
							round={search.next}
							canLabel={isAdmin}
							onSubmit={async (labels) => {
								const next = await api.labelDeepSearch(search.id, labels);
								update(next, next.rejected);
							}}
						/>
					</>
				)}
			</div>
			<CurveCard search={search} isAdmin={isAdmin} onMove={async (t) => update(await api.moveOperatingPoint(search.id, t))} />
			<SaveCard api={api} search={search} isAdmin={isAdmin} onSaved={(s) => update(s)} />
			<div class="card">
				<h2>History</h2>
				<HistoryTable api={api} id={search.id} version={search.version} />
			</div>
			<details class="card pool">
				<summary>
					<h2>What it finds in the pool</h2>
				</summary>
				<PoolBrowser api={api} id={search.id} version={search.version} />
			</details>
		</section>
	);
}

function CurveCard({ search, isAdmin, onMove }: { search: DeepSearch; isAdmin: boolean; onMove: (threshold: number) => Promise<unknown> }) {
	const { points, suggested, labels } = search.calibration;
	const [selected, setSelected] = useState(search.threshold);
	useEffect(() => setSelected(search.threshold), [search.threshold, search.version]);
	const pick = (t: number) => setSelected(clampThreshold(nearestPoint(points, t)?.threshold ?? t));
	const at = nearestPoint(points, selected);
	const changed = Math.abs(selected - search.threshold) > 1e-9;
	return (
		<div class="card">
			<h2>Calibration</h2>
			{!hasCurve(search) ? (
				<Empty title="No curve yet.">Label at least two matches and two non-matches: the curve is measured on your labels, each held out in turn.</Empty>
			) : (
				<>
					<p class="hint">
						Measured on {labels} labels (cross-validated). Higher thresholds flag fewer events: fewer false alarms, more missed ones. Suggested:{" "}
						{suggested.toFixed(2)}.
					</p>
					<CalibrationChart points={points} current={search.threshold} selected={selected} onPick={isAdmin ? pick : undefined} />
					<div class="operating-point">
						<label class="threshold-slider">
							<span>
								Threshold <strong>{selected.toFixed(2)}</strong>
							</span>
							<input
								type="range"
								min="0.01"
								max="0.99"
								step="0.01"
								value={selected}
								disabled={!isAdmin}
								aria-label="Match threshold"
								onInput={(e) => pick(Number(e.currentTarget.value))}
							/>
						</label>
						{at && (
							<dl class="point-numbers">
								<div>
									<dt>Precision</dt>
									<dd>{withInterval(at.precision, at.precision_low, at.precision_high)}</dd>
								</div>
								<div>
									<dt>Recall</dt>
									<dd>{withInterval(at.recall, at.recall_low, at.recall_high)}</dd>
								</div>
							</dl>
						)}
						{isAdmin && (
							<div class="inline-form">
								{changed ? (
									<ActionButton kind="primary" onClick={() => onMove(selected)}>
										Use threshold {selected.toFixed(2)}
									</ActionButton>
								) : (
									<span class="hint">The current operating point. Pick another on the chart or the slider.</span>
								)}
								{Math.abs(suggested - selected) > 1e-9 && (
									<button type="button" class="button button-quiet" onClick={() => setSelected(clampThreshold(suggested))}>
										Back to suggested
									</button>
								)}
							</div>
						)}
					</div>
				</>
			)}
		</div>
	);
}
