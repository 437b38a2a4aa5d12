import type { IssueListItem } from "#core/api/issues";

export type IssueSortKey = "priority" | "users" | "pct_users" | "events" | "last_seen" | "first_seen" | "title";

export interface IssueFilters {
	signal: string;
	state: string;
	intent: string;
	model: string;
	/** "key=value" typed by a person. */
	property: string;
	sort: IssueSortKey;
	desc: boolean;
}

const SORT_KEYS: IssueSortKey[] = ["priority", "users", "pct_users", "events", "last_seen", "first_seen", "title"];

/** The list's filters live in the URL, so a filtered view can be shared and survives reload. */
export function filtersFromUrl(params: URLSearchParams): IssueFilters {
	const sort = params.get("sort") as IssueSortKey | null;
	return {
		signal: params.get("signal") ?? "",
		state: params.get("state") ?? "",
		intent: params.get("intent") ?? "",
		model: params.get("model") ?? "",
		property: params.get("property") ?? "",
		sort: sort && SORT_KEYS.includes(sort) ? sort : "priority",
		desc: params.get("dir") !== "asc",
	};
}

export function filtersToUrl(f: IssueFilters): string {
	const p = new URLSearchParams();
	for (const k of ["signal", "state", "intent", "model", "property"] as const) if (f[k]) p.set(k, f[k]);
	if (f.sort !== "priority") p.set("sort", f.sort);
	if (!f.desc) p.set("dir", "asc");
	const s = p.toString();
	return s ? `?${s}` : "";
}

/** "plan=pro" → { plan: "pro" }; anything else → no property filter. */
export function parsePropertyFilter(text: string): Record<string, string> | undefined {
	const m = /^\s*([A-Za-z0-9_.$-]+)\s*=\s*(.+?)\s*$/.exec(text);
	return m ? { [m[1]!]: m[2]! } : undefined;
}

export function sortIssues(items: IssueListItem[], key: IssueSortKey, desc: boolean): IssueListItem[] {
	// "Users" is the column's number: users in the window, not all time.
	const value = (i: IssueListItem): number | string =>
		key === "title" ? i.title.toLowerCase() : key === "last_seen" || key === "first_seen" ? (i[key] ?? "") : key === "users" ? i.window_users : i[key];
	const sorted = [...items].sort((a, b) => {
		const va = value(a),
			vb = value(b);
		return va < vb ? -1 : va > vb ? 1 : b.priority - a.priority;
	});
	return desc ? sorted.reverse() : sorted;
}

export function trendLabel(t: IssueListItem["trend"]): { text: string; tone: "bad" | "good" | "neutral" } {
	// Up from nothing: worded unlike the `new` state, which a regressed or week-old issue may not have.
	if (t.direction === "new") return { text: `▲ ${t.recent} vs 0`, tone: "bad" };
	if (t.direction === "up") return { text: `▲ ${t.recent} vs ${t.previous}`, tone: "bad" };
	if (t.direction === "down") return { text: `▼ ${t.recent} vs ${t.previous}`, tone: "good" };
	return { text: `= ${t.recent}`, tone: "neutral" };
}

/**
 * Merging several selected issues: everything goes into the one with the highest priority.
 * Only issues of one signal can merge; returns why not otherwise.
 */
export function mergePlan(selected: IssueListItem[]): { into: IssueListItem; from: IssueListItem[] } | { error: string } {
	if (selected.length < 2) return { error: "Select at least two issues to merge." };
	if (new Set(selected.map((i) => i.signal)).size > 1) return { error: "Only issues of the same signal can be merged." };
	const [into, ...from] = [...selected].sort((a, b) => b.priority - a.priority);
	return { into: into!, from };
}
