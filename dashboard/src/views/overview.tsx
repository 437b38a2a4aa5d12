import { Sparkline, TimeChart } from "../components/chart";
import { Link } from "../components/navigation";
import { SignalRateChart } from "../components/signal-rate-chart";
import { Empty, ErrorState, Loading } from "../components/states";
import { Stat, StateBadge } from "../components/ui";
import { useAsync } from "../components/use-async";
import type { ApiClient } from "../lib/api-client";
import { daySeconds, dailyMarkers, signalRateSeries } from "../lib/chart-data";
import { WINDOW_DAYS, windowStart } from "../lib/dates";
import { relativeTime } from "../lib/format";
import type { IssueListItem } from "#core/api/issues";

/** What a team opens in the morning: how many users each signal hits, the top issues, what is new or back. */
export function Overview({ api }: { api: ApiClient }) {
	const state = useAsync(
		(signal) =>
			Promise.all([
				api.signals(signal),
				api.signalRates({ from: windowStart() }, signal),
				api.listIssues({ from: windowStart(), limit: 200 }, signal),
				api.markers({ from: windowStart() }, signal),
			]),
		[api],
	);
	if (state.status === "loading") return <Loading label="Loading the overview…" />;
	if (state.status === "error") return <ErrorState error={state.error} onRetry={state.reload} />;
	const [catalog, rates, issues, markers] = state.data;
	const totalEvents = rates.days.reduce((n, d) => n + (d.events ?? 0), 0);
	if (totalEvents === 0) {
		return (
			<section>
				<h1>Overview</h1>
				<Empty title="No events yet.">
					Send your first events (see <Link href="/settings">Settings</Link> for a curl example), or load the demo with <code>npm run demo</code>.
				</Empty>
			</section>
		);
	}
	const negative = signalRateSeries(rates, catalog, "negative");
	const positive = signalRateSeries(rates, catalog, "positive");
	const open = issues.data.filter((i) => i.state !== "resolved" && i.state !== "ignored");
	const urgency: Record<string, number> = { regressed: 0, escalating: 1, new: 2 };
	const fresh = issues.data.filter((i) => i.state in urgency).sort((a, b) => urgency[a.state]! - urgency[b.state]! || b.priority - a.priority);
	const chartMarkers = dailyMarkers(markers);
	return (
		<section>
			<h1>Overview</h1>
			<div class="stats">
				<Stat label={`Active users, ${WINDOW_DAYS} days`} value={rates.window.active_users.toLocaleString()} />
				<Stat label={`Events, ${WINDOW_DAYS} days`} value={totalEvents.toLocaleString()} />
				<Stat label="Open issues" value={open.length} hint={`${fresh.length} new, regressed or escalating`} />
				<Stat
					label={`Users with a negative signal, ${WINDOW_DAYS} days`}
					value={`${rates.window.any_negative.pct}%`}
					hint={`${rates.window.any_negative.users.toLocaleString()} of ${rates.window.active_users.toLocaleString()} active users had at least one`}
				/>
			</div>
			<div class="card">
				<h2>Negative signals, % of users per day</h2>
				{negative.series.length ? (
					<SignalRateChart
						x={negative.x}
						series={negative.series}
						markers={chartMarkers}
						label="Negative signals as a share of daily active users"
						pickerLabel="Negative signals shown"
					/>
				) : (
					<p class="hint">No negative signals in this window.</p>
				)}
			</div>
			<div class="grid-2">
				<div class="card">
					<h2>Top issues by priority</h2>
					<IssueMiniList issues={open.slice(0, 6)} empty="No open issues." />
					<p>
						<Link href="/issues">All issues →</Link>
					</p>
				</div>
				<div class="card">
					<h2>New and regressed</h2>
					<IssueMiniList issues={fresh.slice(0, 6)} empty={`Nothing new or regressed in the last ${WINDOW_DAYS} days.`} />
				</div>
			</div>
			<div class="grid-2">
				<div class="card">
					<h2>Wins and positive feedback, % of users</h2>
					{positive.series.length ? (
						<SignalRateChart
							x={positive.x}
							series={positive.series}
							height={180}
							label="Positive signals as a share of daily active users"
							pickerLabel="Positive signals shown"
						/>
					) : (
						<p class="hint">No positive signals yet.</p>
					)}
				</div>
				<div class="card">
					<h2>Event volume</h2>
					<TimeChart
						x={rates.days.map((d) => daySeconds(d.day))}
						series={[{ label: "events", values: rates.days.map((d) => d.events ?? 0) }]}
						bars
						height={180}
						markers={chartMarkers}
						label="Events per day"
					/>
				</div>
			</div>
		</section>
	);
}

function IssueMiniList({ issues, empty }: { issues: IssueListItem[]; empty: string }) {
	if (issues.length === 0) return <p class="hint">{empty}</p>;
	return (
		<ul class="issue-mini">
			{issues.map((i) => (
				<li key={i.id}>
					<div class="issue-mini-main">
						<Link href={`/issues/${encodeURIComponent(i.id)}`}>{i.title}</Link>
						<div class="hint">
							<StateBadge state={i.state} /> {i.signal.replaceAll("_", " ")}
							{i.top_intent && <> while asking “{i.top_intent.name}”</>} · {i.window_users} users ({i.pct_users}%) · last {relativeTime(i.last_seen)}
						</div>
					</div>
					<Sparkline values={i.daily_users} label={`${i.title}: users per day`} />
				</li>
			))}
		</ul>
	);
}
