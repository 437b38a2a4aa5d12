import { useMemo, useState } from "preact/hooks";
import type { DetectionView } from "#core/api/events";
import { TimeChart } from "../components/chart";
import { Link } from "../components/navigation";
import { ErrorState, Loading } from "../components/states";
import { type BaselineBar, BaselineBars, BaselineLegend } from "../components/baseline-bars";
import { ActionButton, AdminOnly, MergeInto, Stat, StateBadge } from "../components/ui";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { daySeconds, dailyMarkers, markerPoints } from "../lib/chart-data";
import { daysAgo, WINDOW_DAYS, windowStart } from "../lib/dates";
import { allShownText } from "../lib/list-paging";
import { relativeTime } from "../lib/format";
import type { BreakdownRow, Comparison, IssueDetail } from "#core/api/issues";
import { ToolCalls, Turn } from "./event-parts";

export function IssueDetailView({ api, id, isAdmin }: { api: ApiClient; id: string; isAdmin: boolean }) {
	const state = useAsync(
		(signal) => Promise.all([api.getIssue(id, { from: windowStart() }, signal), api.listIssues({ from: windowStart(), limit: 200 }, signal)]),
		[api, id],
	);
	if (state.status === "loading") return <Loading label="Loading the issue…" />;
	if (state.status === "error") return <ErrorState error={state.error} onRetry={state.reload} />;
	const [issue, all] = state.data;
	const siblings = all.data.filter((i) => i.signal === issue.signal && i.id !== issue.id);
	return (
		<section>
			<p class="crumbs">
				<Link href="/issues">Issues</Link> / {issue.signal.replaceAll("_", " ")}
			</p>
			<header class="issue-head">
				<div>
					<h1>{issue.title}</h1>
					<p class="muted">{issue.description}</p>
					<p>
						<StateBadge state={issue.state} /> <span class="pill pill-muted">{issue.signal.replaceAll("_", " ")}</span>
						{issue.state === "resolved" && issue.resolved_in_release && <span class="hint"> in release {issue.resolved_in_release}</span>}
					</p>
				</div>
				<AdminOnly isAdmin={isAdmin}>
					<IssueActions api={api} issue={issue} siblings={siblings} onChanged={state.reload} />
				</AdminOnly>
			</header>
			<div class="stats">
				<Stat label="Users affected" value={issue.window_users} hint={`${issue.pct_users}% of active users, ${WINDOW_DAYS} days`} />
				<Stat label="Events, all time" value={issue.events} hint={`${issue.users} users in all`} />
				<Stat label="First seen" value={relativeTime(issue.first_seen)} />
				<Stat label="Last seen" value={relativeTime(issue.last_seen)} />
				<Stat
					label="Priority"
					value={issue.priority}
					hint={`${issue.priority_factors.users} users × ${issue.priority_factors.negative_sentiment} sentiment × ${issue.priority_factors.achievable_delta} delta × ${issue.priority_factors.strategic_relevance} relevance`}
				/>
			</div>
			<IssueCharts issue={issue} />
			<div class="grid-2">
				<div class="card">
					<h2>Closest examples</h2>
					<p class="hint" data-testid="examples-count">
						{issue.examples.length < issue.events
							? `The ${issue.examples.length} closest to its centre, of its ${issue.events.toLocaleString("en-US")} events.`
							: allShownText(issue.events, "event")}
					</p>
					{issue.examples.map((e) => (
						<article key={e.event_id} class="example">
							<div class="turn-head">
								<Link href={`/events/${encodeURIComponent(e.event_id)}`}>{relativeTime(e.timestamp)}</Link>
								{e.model && <span class="pill pill-muted">{e.model}</span>}
								<span class="hint">user {e.user_id}</span>
								{e.convo_id && <Link href={`/conversations/${encodeURIComponent(e.convo_id)}`}>conversation →</Link>}
							</div>
							<Turn speaker="user" text={e.input} detections={evidenceAsDetections(issue.signal, e.evidence)} />
							<ToolCalls calls={e.tool_calls} />
							<Turn speaker="assistant" text={e.output} detections={evidenceAsDetections(issue.signal, e.evidence)} />
							{e.texts_truncated && (
								<p class="hint">
									Cut at 2,000 characters: <Link href={`/events/${encodeURIComponent(e.event_id)}`}>the whole event →</Link>
								</p>
							)}
						</article>
					))}
				</div>
				<div class="card">
					<h2>Where it happens</h2>
					<Breakdowns issue={issue} />
				</div>
			</div>
			<div class="grid-2">
				<div class="card">
					<h2>Before / after</h2>
					<CompareForm api={api} issueId={issue.id} models={issue.breakdowns.model.map((m) => m.value ?? "").filter(Boolean)} />
				</div>
				<div class="card">
					<h2>History</h2>
					<ol class="history">
						{issue.history.map((h, i) => (
							<li key={i}>
								<StateBadge state={h.to} /> {relativeTime(h.at)} by <code>{h.by}</code>
								{h.reason && <span class="hint"> · {h.reason}</span>}
							</li>
						))}
					</ol>
				</div>
			</div>
		</section>
	);
}

const evidenceAsDetections = (signal: string, evidence: IssueDetail["examples"][number]["evidence"]): DetectionView[] =>
	evidence ? [{ signal, score: 1, stage: "", evidence, reason: null }] : [];

function IssueCharts({ issue }: { issue: IssueDetail }) {
	const daily = useMemo(
		() => ({
			x: issue.series.map((d) => daySeconds(d.day)),
			series: [
				{ label: "users", values: issue.series.map((d) => d.users) },
				{ label: "events", values: issue.series.map((d) => d.events) },
			],
		}),
		[issue],
	);
	const hourly = useMemo(
		() => ({ x: issue.hourly.map((h) => Date.parse(h.hour) / 1000), series: [{ label: "users", values: issue.hourly.map((h) => h.users) }] }),
		[issue],
	);
	const markers = useMemo(() => dailyMarkers(issue.markers), [issue]);
	const hourMarkers = useMemo(() => markerPoints(issue.markers), [issue]);
	return (
		<div class="grid-2">
			<div class="card">
				<h2>Last {WINDOW_DAYS} days</h2>
				<TimeChart x={daily.x} series={daily.series} markers={markers} label="Users and events per day" />
				{issue.markers.length > 0 && <p class="hint">Dashed lines: a model, prompt version or release first seen.</p>}
			</div>
			<div class="card">
				<h2>Last 48 hours</h2>
				<TimeChart x={hourly.x} series={hourly.series} markers={hourMarkers} bars label="Users per hour" />
			</div>
		</div>
	);
}

function Breakdowns({ issue }: { issue: IssueDetail }) {
	const b = issue.breakdowns;
	const rows = (list: BreakdownRow[]): BaselineBar[] => list.map((r) => ({ ...r, value: r.value ?? "(none)" }));
	const sections: [string, BaselineBar[]][] = [
		["Model", rows(b.model)],
		["Intent", rows(b.intent)],
		...Object.entries(b.properties).map(([k, v]) => [k.replaceAll("_", " "), rows(v)] as [string, BaselineBar[]]),
		["Tool", b.tools.map((t) => ({ ...t, value: t.error ? `${t.name}: ${t.error}` : t.name }))],
		...Object.entries(b.traits).map(([k, v]) => [`user ${k}`, rows(v)] as [string, BaselineBar[]]),
	];
	const windowEvents = issue.series.reduce((n, d) => n + d.events, 0);
	const shown = sections.filter(([, r]) => r.length > 0);
	return (
		<div class="breakdowns">
			<BaselineLegend window={b.window}>
				{" "}
				· most over-represented first. {b.sample.users.toLocaleString("en")} of the issue's users
				{b.sample.events < windowEvents && ` (its latest ${b.sample.events.toLocaleString("en")} of ${windowEvents.toLocaleString("en")} events)`} against{" "}
				{b.baseline.users.toLocaleString("en")} users in all (the latest {b.baseline.per_day.toLocaleString("en")} events of each day).
			</BaselineLegend>
			{shown.length === 0 && <p class="hint">No events of this issue in these days.</p>}
			{shown.map(([title, r]) => (
				<div key={title}>
					<h3>{title}</h3>
					<BaselineBars rows={r} label={`Users by ${title}, against all users`} />
				</div>
			))}
		</div>
	);
}

function IssueActions({
	api,
	issue,
	siblings,
	onChanged,
}: {
	api: ApiClient;
	issue: IssueDetail;
	siblings: { id: string; title: string }[];
	onChanged: () => void;
}) {
	const [untilUsers, setUntilUsers] = useState(10);
	const [release, setRelease] = useState("");
	const closed = issue.state === "resolved" || issue.state === "ignored";
	const run = (p: Promise<unknown>) => p.then(onChanged);
	return (
		<div class="issue-actions">
			{closed ? (
				<ActionButton onClick={() => run(api.setIssueState(issue.id, { state: "ongoing" }))}>Reopen</ActionButton>
			) : (
				<>
					<ActionButton
						kind="primary"
						testId="resolve"
						onClick={() => run(api.setIssueState(issue.id, release.trim() ? { state: "resolved", in_release: release.trim() } : { state: "resolved" }))}
					>
						Resolve
					</ActionButton>
					<input
						class="release-input"
						value={release}
						placeholder="in release (optional)"
						aria-label="Resolved in release"
						title="Events from older releases will not regress it"
						onInput={(e) => setRelease(e.currentTarget.value)}
					/>
					<ActionButton onClick={() => run(api.setIssueState(issue.id, { state: "ignored" }))}>Ignore</ActionButton>
					<span class="inline-form">
						<ActionButton kind="quiet" onClick={() => run(api.setIssueState(issue.id, { state: "ignored", until_more_users: untilUsers }))}>
							Ignore until
						</ActionButton>
						<input type="number" min={1} value={untilUsers} aria-label="more users" onChange={(e) => setUntilUsers(Number(e.currentTarget.value) || 1)} /> users
					</span>
				</>
			)}
			<ActionButton kind="quiet" title="Re-cluster its events on the next maintenance pass" onClick={() => run(api.splitIssue(issue.id))}>
				Split
			</ActionButton>
			{siblings.length > 0 && (
				<MergeInto
					targets={siblings.map((x) => ({ id: x.id, label: x.title }))}
					onMerge={(into) => api.mergeIssue(issue.id, into).then(() => (location.href = `/issues/${encodeURIComponent(into)}`))}
				/>
			)}
		</div>
	);
}

function CompareForm({ api, issueId, models }: { api: ApiClient; issueId: string; models: string[] }) {
	const [mode, setMode] = useState<"time" | "model">("time");
	const [a, setA] = useState(models[0] ?? "");
	const [b, setB] = useState(models[1] ?? "");
	const [result, setResult] = useState<Comparison | null>(null);
	const query = (): Record<string, string> =>
		mode === "time" ? { a_from: daysAgo(13), a_to: daysAgo(7), b_from: daysAgo(6), b_to: daysAgo(0) } : { by: "model", a, b, from: windowStart() };
	return (
		<div>
			<div class="segmented" role="radiogroup" aria-label="Compare">
				<label>
					<input type="radio" name="compare" checked={mode === "time"} onChange={() => setMode("time")} /> previous 7 days vs last 7 days
				</label>
				<label>
					<input type="radio" name="compare" checked={mode === "model"} onChange={() => setMode("model")} /> two models
				</label>
			</div>
			{mode === "model" && (
				<p class="inline-form">
					<input value={a} onChange={(e) => setA(e.currentTarget.value)} aria-label="Model A" placeholder="model A" /> vs{" "}
					<input value={b} onChange={(e) => setB(e.currentTarget.value)} aria-label="Model B" placeholder="model B" />
				</p>
			)}
			<ActionButton onClick={async () => setResult(await api.compareIssue(issueId, query()))}>Compare</ActionButton>
			{result && (
				<dl class="props compare">
					{(
						[
							["A", result.a],
							["B", result.b],
						] as const
					).map(([name, side]) => (
						<div key={name}>
							<dt>{name}</dt>
							<dd>
								{side.rate.toFixed(1)}% ({side.affected} of {side.total} users)
							</dd>
						</div>
					))}
					<div>
						<dt>Change</dt>
						<dd class={result.significant ? (result.difference_pp > 0 ? "trend-bad" : "trend-good") : ""}>
							{result.difference_pp > 0 ? "+" : ""}
							{result.difference_pp} points ·{" "}
							{result.p_value === null
								? "not enough data"
								: result.significant
									? `significant (p = ${result.p_value})`
									: `not significant (p = ${result.p_value})`}
						</dd>
					</div>
				</dl>
			)}
			{result?.window && <CompareBaseline result={result} window={result.window} />}
		</div>
	);
}

/** For two values: each one's share of the issue's users beside its share of all users, as in the breakdowns. */
function CompareBaseline({ result, window }: { result: Comparison; window: { from: string; to: string } }) {
	const rows = (
		[
			[result.a_value, result.a],
			[result.b_value, result.b],
		] as const
	).flatMap(([value, side]) =>
		side.baseline ? [{ value: value ?? "", users: side.affected, share: side.baseline.issue_share, baseline_share: side.baseline.share }] : [],
	);
	if (!rows.length) return null;
	return (
		<div class="compare-baseline">
			<BaselineBars rows={rows} label="The compared values, against all users" />
			<BaselineLegend window={window} />
		</div>
	);
}
