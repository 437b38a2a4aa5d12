import { useState } from "preact/hooks";
import { Sparkline } from "../components/chart";
import { Link, navigate } from "../components/navigation";
import { Empty, ErrorState, Loading } from "../components/states";
import { ActionButton, AdminOnly, StateBadge } from "../components/ui";
import { useAsync } from "../components/use-async";
import { ListEnd } from "../components/list-end";
import { usePages } from "../components/use-pages";
import type { ApiClient } from "../lib/api-client";
import { WINDOW_DAYS, windowStart } from "../lib/dates";
import { relativeTime } from "../lib/format";
import { showingText } from "../lib/list-paging";
import { filtersFromUrl, filtersToUrl, mergePlan, parsePropertyFilter, sortIssues, trendLabel, type IssueFilters, type IssueSortKey } from "../lib/issue-table";

/** Issues per page: the API sends them by priority; a column sort orders the pages loaded so far. */
const ISSUE_PAGE = 100;
const STATES = ["new", "ongoing", "escalating", "regressed", "resolved", "ignored"];
const COLUMNS: { key: IssueSortKey; label: string }[] = [
	{ key: "title", label: "Issue" },
	{ key: "users", label: "Users" },
	{ key: "pct_users", label: "% users" },
	{ key: "first_seen", label: "First seen" },
	{ key: "last_seen", label: "Last seen" },
	{ key: "priority", label: "Priority" },
];

export function IssuesView({ api, url, isAdmin }: { api: ApiClient; url: URL; isAdmin: boolean }) {
	const filters = filtersFromUrl(url.searchParams);
	const setFilters = (next: Partial<IssueFilters>) => navigate(`/issues${filtersToUrl({ ...filters, ...next })}`, true);
	const [selected, setSelected] = useState<Set<string>>(new Set());
	const [notice, setNotice] = useState<string | null>(null);
	const lists = useAsync((signal) => Promise.all([api.signals(signal), api.intents(signal)]), [api]);
	const state = usePages(
		(cursor, signal) =>
			api.listIssues(
				{
					from: windowStart(),
					signal: filters.signal,
					state: filters.state,
					intent: filters.intent,
					model: filters.model,
					properties: parsePropertyFilter(filters.property),
					limit: ISSUE_PAGE,
					cursor,
				},
				signal,
			),
		(list) => ({ items: list.data, next: list.next_cursor }),
		(i) => i.id,
		[api, filters.signal, filters.state, filters.intent, filters.model, filters.property],
	);
	const issues = state.status === "ready" ? sortIssues(state.items, filters.sort, filters.desc) : [];
	const chosen = issues.filter((i) => selected.has(i.id));
	async function bulk(action: "resolved" | "ignored") {
		for (const i of chosen) await api.setIssueState(i.id, { state: action });
		setNotice(`${chosen.length} issue(s) ${action}.`);
		setSelected(new Set());
		state.reload();
	}
	async function merge() {
		const plan = mergePlan(chosen);
		if ("error" in plan) throw new Error(plan.error);
		for (const f of plan.from) await api.mergeIssue(f.id, plan.into.id);
		setNotice(`Merged ${plan.from.length} issue(s) into “${plan.into.title}”.`);
		setSelected(new Set());
		state.reload();
	}
	return (
		<section>
			<h1>Issues</h1>
			<p class="hint">Users, % of active users and priority count the last {WINDOW_DAYS} days, as on each issue's page; events count all time.</p>
			<form class="filters" onSubmit={(e) => e.preventDefault()}>
				<label>
					Signal
					<select value={filters.signal} onChange={(e) => setFilters({ signal: e.currentTarget.value })}>
						<option value="">any</option>
						{lists.status === "ready" &&
							lists.data[0]
								.filter((s) => s.polarity === "negative")
								.map((s) => (
									<option key={s.name} value={s.name}>
										{s.name.replaceAll("_", " ")}
									</option>
								))}
					</select>
				</label>
				<label>
					State
					<select value={filters.state} onChange={(e) => setFilters({ state: e.currentTarget.value })}>
						<option value="">any</option>
						{STATES.map((s) => (
							<option key={s}>{s}</option>
						))}
					</select>
				</label>
				<label>
					Intent
					<select value={filters.intent} onChange={(e) => setFilters({ intent: e.currentTarget.value })}>
						<option value="">any</option>
						{lists.status === "ready" &&
							lists.data[1].map((i) => (
								<option key={i.id} value={i.id}>
									{i.name}
								</option>
							))}
					</select>
				</label>
				<label>
					Model
					<input value={filters.model} placeholder="e.g. gpt-4o" onChange={(e) => setFilters({ model: e.currentTarget.value.trim() })} />
				</label>
				<label>
					Property
					<input value={filters.property} placeholder="prompt_version=v12" onChange={(e) => setFilters({ property: e.currentTarget.value })} />
				</label>
			</form>
			{isAdmin && chosen.length > 0 && (
				<div class="bulk-bar" role="toolbar" aria-label="Bulk actions">
					<span>{chosen.length} selected</span>
					<ActionButton onClick={() => bulk("resolved")} testId="bulk-resolve">
						Resolve
					</ActionButton>
					<ActionButton onClick={() => bulk("ignored")} kind="quiet">
						Ignore
					</ActionButton>
					<ActionButton onClick={merge} kind="quiet" disabled={chosen.length < 2}>
						Merge
					</ActionButton>
				</div>
			)}
			{notice && (
				<p class="notice" role="status">
					{notice}
				</p>
			)}
			{state.status === "loading" && <Loading label="Loading issues…" />}
			{state.status === "error" && <ErrorState error={state.error} onRetry={state.reload} />}
			{state.status === "ready" && issues.length === 0 && (
				<Empty title="No issues match.">Issues appear once a few flagged events are about the same thing. Clear a filter, or wait for more traffic.</Empty>
			)}
			{state.status === "ready" && issues.length > 0 && (
				<div class="table-wrap">
					<table class="issues-table">
						<thead>
							<tr>
								{isAdmin && <th aria-label="Select" />}
								{COLUMNS.map((c) => (
									<th key={c.key} aria-sort={filters.sort === c.key ? (filters.desc ? "descending" : "ascending") : undefined}>
										<button
											type="button"
											class="sort"
											onClick={() => setFilters({ sort: c.key, desc: filters.sort === c.key ? !filters.desc : c.key !== "title" })}
										>
											{c.label}
											{filters.sort === c.key ? (filters.desc ? " ↓" : " ↑") : ""}
										</button>
									</th>
								))}
								<th>{WINDOW_DAYS} days</th>
								<th title="Users per day, summed: the last 7 days against the 7 before">Trend, 7 days</th>
							</tr>
						</thead>
						<tbody>
							{issues.map((i) => {
								const trend = trendLabel(i.trend);
								return (
									<tr key={i.id}>
										{isAdmin && (
											<td>
												<input
													type="checkbox"
													aria-label={`Select ${i.title}`}
													checked={selected.has(i.id)}
													onChange={(e) => {
														const next = new Set(selected);
														if (e.currentTarget.checked) next.add(i.id);
														else next.delete(i.id);
														setSelected(next);
													}}
												/>
											</td>
										)}
										<td class="issue-cell">
											<Link href={`/issues/${encodeURIComponent(i.id)}`}>{i.title}</Link>
											<div class="hint">
												<StateBadge state={i.state} /> {i.signal.replaceAll("_", " ")}
												{i.top_intent && <> while asking “{i.top_intent.name}”</>} · {i.events} events
											</div>
										</td>
										<td class="num" data-col="users">
											{i.window_users}
										</td>
										<td class="num">{i.pct_users}%</td>
										<td>{relativeTime(i.first_seen)}</td>
										<td>{relativeTime(i.last_seen)}</td>
										<td class="num">{i.priority}</td>
										<td>
											<Sparkline values={i.daily_users} label={`${i.title}: users per day`} />
										</td>
										<td class={`trend trend-${trend.tone}`}>{trend.text}</td>
									</tr>
								);
							})}
						</tbody>
					</table>
				</div>
			)}
			{state.status === "ready" && issues.length > 0 && (
				<>
					{state.next && (
						<p class="hint list-end">
							{showingText(issues.length, state.first.total, "issue")}
							{filters.sort !== "priority" && " Sorted among those loaded; the rest follow by priority."}
						</p>
					)}
					<ListEnd
						shown={issues.length}
						noun="issue"
						hasMore={state.next !== null}
						loading={state.loadingMore}
						error={state.moreError}
						onMore={state.loadMore}
					/>
				</>
			)}
			{!isAdmin && <AdminOnly isAdmin={false}>{null}</AdminOnly>}
		</section>
	);
}
