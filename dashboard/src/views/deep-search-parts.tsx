import { useState } from "preact/hooks";
import type { CandidateView, DeepSearch } from "#core/api/deep-searches";
import { Link } from "../components/navigation";
import { ErrorState, Loading } from "../components/states";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { roundLabels } from "../lib/deep-search";
import { relativeTime, truncate } from "../lib/format";

const eventHref = (id: string) => `/events/${encodeURIComponent(id)}`;

/** An event's request and reply, trimmed, as a labelling card shows them. */
function Exchange({ input, output }: { input: string | null; output: string | null }) {
	return (
		<div class="exchange">
			<p class="turn-user">{truncate(input, 280) || <span class="hint">(no input)</span>}</p>
			<p class="turn-assistant">{truncate(output, 420) || <span class="hint">(no output)</span>}</p>
		</div>
	);
}

/** What the match check says about a candidate: verdict, score, one-line reason. */
function Verdict({ c }: { c: Pick<CandidateView, "match" | "score" | "reason" | "checked_by"> }) {
	return (
		<div class="verdict">
			<span class={`pill ${c.match ? "pill-match" : "pill-muted"}`}>{c.match ? "match" : "no match"}</span>
			<span class="verdict-score" title="p(match) from the current model">
				score {c.score.toFixed(2)}
			</span>
			<span class="verdict-by" title="Who gave the verdict: the LLM match check, or (offline) the encoder's scorer">
				{c.checked_by === "llm" ? "LLM check" : "encoder check"}
			</span>
			<span class="verdict-reason">{c.reason}</span>
		</div>
	);
}

/**
 * One round to label: each candidate gets "Matches" or "Doesn't match"; the round is sent as one
 * POST /labels. Undecided candidates are left out (they may come back in a later round).
 */
export function LabelRound(props: {
	round: CandidateView[];
	canLabel: boolean;
	onSubmit: (labels: { event_id: string; match: boolean }[]) => Promise<unknown>;
}) {
	const [decisions, setDecisions] = useState<Record<string, boolean>>({});
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<string | null>(null);
	const labels = roundLabels(props.round, decisions);
	const decide = (id: string, match: boolean) => {
		const next = { ...decisions };
		if (next[id] === match) delete next[id];
		else next[id] = match;
		setDecisions(next);
	};
	const submit = async () => {
		setBusy(true);
		setError(null);
		try {
			await props.onSubmit(labels);
		} catch (err) {
			setError((err as Error).message);
			setBusy(false);
		}
	};
	return (
		<>
			<ol class="candidates">
				{props.round.map((c) => {
					const decided = decisions[c.event_id];
					return (
						<li
							key={c.event_id}
							class={`candidate ${decided === true ? "labelled-match" : decided === false ? "labelled-non-match" : ""}`}
							data-event={c.event_id}
						>
							<div class="candidate-head">
								<Verdict c={c} />
								<Link href={eventHref(c.event_id)} class="candidate-link">
									{c.timestamp ? relativeTime(c.timestamp) : c.event_id} →
								</Link>
							</div>
							<Exchange input={c.input} output={c.output} />
							{props.canLabel && (
								<fieldset class="label-buttons">
									<legend class="visually-hidden">Does this event match?</legend>
									<button type="button" class="button label-yes" aria-pressed={decided === true} onClick={() => decide(c.event_id, true)}>
										✓ Matches
									</button>
									<button type="button" class="button label-no" aria-pressed={decided === false} onClick={() => decide(c.event_id, false)}>
										✗ Doesn't match
									</button>
								</fieldset>
							)}
						</li>
					);
				})}
			</ol>
			{props.canLabel && (
				<div class="round-foot">
					<button type="button" class="button button-primary" disabled={busy || labels.length === 0} onClick={submit}>
						{busy ? "Refitting…" : `Submit ${labels.length} label${labels.length === 1 ? "" : "s"}`}
					</button>
					<span class="hint">
						{labels.length}/{props.round.length} labelled; unlabelled ones may come back later.
					</span>
					{error && (
						<span class="field-error" role="alert">
							{error}
						</span>
					)}
				</div>
			)}
		</>
	);
}

/** The clarifying question, with the two labelled events the definition disagrees with. */
export function ClarifyingQuestion({ api, question }: { api: ApiClient; question: NonNullable<DeepSearch["question"]> }) {
	const events = useAsync(
		(signal) =>
			Promise.all(
				[question.match_id, question.non_match_id].map((id) =>
					api.getEvent(id, signal).catch((err: Error) => {
						if ((err as { status?: number }).status === 404) return null;
						throw err;
					}),
				),
			),
		[api, question.match_id, question.non_match_id],
	);
	return (
		<section class="card question-card" aria-label="A question about your labels">
			<h2>A question about your labels</h2>
			<p class="question">{question.question}</p>
			{events.status === "loading" && <Loading label="Loading the two events…" />}
			{events.status === "error" && <ErrorState error={events.error} onRetry={events.reload} />}
			{events.status === "ready" && (
				<div class="grid-2 question-events">
					{events.data.map((e, i) => (
						<div key={i} class={`question-event ${i === 0 ? "labelled-match" : "labelled-non-match"}`}>
							<div class="candidate-head">
								<strong>{i === 0 ? "You said: matches" : "You said: doesn't match"}</strong>
								{e && (
									<Link href={eventHref(e.event_id)} class="candidate-link">
										event →
									</Link>
								)}
							</div>
							{e ? <Exchange input={e.input} output={e.output} /> : <p class="hint">This event was deleted.</p>}
						</div>
					))}
				</div>
			)}
			<p class="hint">Label more events like these (or reword the definition in a new search) so the two can be told apart.</p>
		</section>
	);
}

/** The version log: every refit, operating point and save. */
export function HistoryTable({ api, id, version }: { api: ApiClient; id: string; version: number }) {
	const history = useAsync((signal) => api.deepSearchHistory(id, signal), [api, id, version]);
	if (history.status === "loading") return <Loading />;
	if (history.status === "error") return <ErrorState error={history.error} onRetry={history.reload} />;
	if (history.data.length === 0) return <p class="hint">No versions yet.</p>;
	const kinds = { refit: "labels, refit", operating_point: "operating point", saved: "saved as signal" } as const;
	return (
		<div class="table-wrap">
			<table class="history-table">
				<thead>
					<tr>
						<th class="num">Version</th>
						<th>Change</th>
						<th class="num">Threshold</th>
						<th class="num">Labels</th>
						<th class="col-optional">By</th>
						<th class="col-optional">When</th>
					</tr>
				</thead>
				<tbody>
					{[...history.data]
						.sort((a, b) => b.version - a.version)
						.map((h) => (
							<tr key={h.version}>
								<td class="num">v{h.version}</td>
								<td>{kinds[h.kind]}</td>
								<td class="num">{h.threshold.toFixed(2)}</td>
								<td class="num">{h.labels}</td>
								<td class="hint col-optional">{h.by}</td>
								<td class="hint col-optional" title={h.at}>
									{relativeTime(h.at)}
								</td>
							</tr>
						))}
				</tbody>
			</table>
		</div>
	);
}

/** The pool, best first, as the detector scores it now (GET /candidates, 50 a page). */
export function PoolBrowser({ api, id, version }: { api: ApiClient; id: string; version: number }) {
	const [pages, setPages] = useState(1);
	const pool = useAsync(
		async (signal) => {
			const rows: CandidateView[] = [];
			let offset: number | null = 0;
			for (let i = 0; i < pages && offset !== null; i++) {
				const page = await api.deepSearchCandidates(id, offset, signal);
				rows.push(...page.data);
				offset = page.next_offset;
			}
			return { rows, more: offset !== null };
		},
		[api, id, version, pages],
	);
	if (pool.status === "loading") return <Loading />;
	if (pool.status === "error") return <ErrorState error={pool.error} onRetry={pool.reload} />;
	return (
		<>
			<ul class="event-list pool-list">
				{pool.data.rows.map((c) => (
					<li key={c.event_id} class="event-row">
						<div class="pool-row">
							<Verdict c={c} />
							{c.label !== null && <span class="pill pill-muted">you said {c.label ? "matches" : "doesn't match"}</span>}
							<Link href={eventHref(c.event_id)}>{truncate(c.input, 140) || c.event_id}</Link>
						</div>
					</li>
				))}
			</ul>
			{pool.data.more && (
				<button type="button" class="button load-more" onClick={() => setPages(pages + 1)}>
					More
				</button>
			)}
		</>
	);
}
