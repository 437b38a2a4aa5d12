import type { AlertMessage } from "./alert-message";
import { DAY_MS } from "../timestamps";

/** Each list in a brief shows this many items, then "and N more": a brief is read in a few seconds. */
export const BRIEF_LIST_LIMIT = 3;
/** An issue moves when its share of active users changes by at least this many percentage points. */
export const BRIEF_MOVER_MIN_POINTS = 1;

/** One issue as the detect worker read it for the brief's window (the 24 h before `to`) and the 24 h before that. */
export interface BriefIssueFacts {
	id: string;
	title: string;
	signal: string;
	state: string;
	created_at: number;
	/** Distinct users in the window, and in the 24 h before it. */
	users: number;
	users_prev: number;
	/** Changed to regressed within the window. */
	regressed: boolean;
	/** Resolved within the window and still resolved. */
	resolved: boolean;
}

/** A positive signal (a win, a thumbs up…): distinct users in the window and the 24 h before. */
export interface BriefSignalFacts {
	signal: string;
	users: number;
	users_prev: number;
}

export interface DailyBriefFacts {
	project_id: string;
	rule: { id: string; name: string };
	/** Where links point (no trailing slash). */
	dashboard: string;
	/** The window ends here (the rule's hour, that day) and starts 24 h earlier. */
	to: number;
	active_users: number;
	active_users_prev: number;
	issues: BriefIssueFacts[];
	positive_signals: BriefSignalFacts[];
}

export interface BriefIssue {
	id: string;
	title: string;
	signal: string;
	state: string;
	users: number;
	/** % of the window's active users. */
	users_pct: number;
	users_prev: number;
	users_prev_pct: number;
	link: string;
}

export interface BriefWin {
	signal: string;
	users: number;
	users_pct: number;
	users_prev: number;
}

/** The first BRIEF_LIST_LIMIT items and how many more there were. */
export interface BriefList<T> {
	items: T[];
	more: number;
}

/** The structured brief: what a generic webhook receives as `brief`, and what Slack and Discord render. */
export interface AlertBrief {
	date: string;
	window: { from: string; to: string };
	active_users: number;
	active_users_prev: number;
	new_issues: BriefList<BriefIssue>;
	regressed: BriefList<BriefIssue>;
	escalating: BriefList<BriefIssue>;
	/** The biggest changes in % of users against the 24 h before, up and down. */
	movers_up: BriefList<BriefIssue>;
	movers_down: BriefList<BriefIssue>;
	wins: BriefList<BriefWin>;
	resolved: BriefList<BriefIssue>;
	/** Nothing new, regressed, escalating or moving: the brief still goes out, saying so in one line. */
	quiet: boolean;
}

const share = (users: number, active: number) => (active > 0 ? Math.round((1000 * users) / active) / 10 : 0);

function capped<T>(all: T[]): BriefList<T> {
	return { items: all.slice(0, BRIEF_LIST_LIMIT), more: Math.max(0, all.length - BRIEF_LIST_LIMIT) };
}

const byUsers = (a: BriefIssue, b: BriefIssue) => b.users - a.users || b.users_prev - a.users_prev || a.title.localeCompare(b.title);
const move = (i: BriefIssue) => i.users_pct - i.users_prev_pct;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The date a brief is for: its window's end, as YYYY-MM-DD (UTC). Also the brief's dedupe key. */
export function briefDate(to: number): string {
	return new Date(to).toISOString().slice(0, 10);
}

/** When the brief for the day holding `now` is due: that day's `hour` (UTC). */
export function briefDueAt(now: number, hour: number): number {
	return Math.floor(now / DAY_MS) * DAY_MS + hour * 3_600_000;
}

/** The brief as an AlertMessage, from the facts of its window. */
export function buildDailyBrief(f: DailyBriefFacts): AlertMessage {
	const from = f.to - DAY_MS;
	const issues = f.issues.map((i): BriefIssue & { facts: BriefIssueFacts } => ({
		id: i.id,
		title: i.title,
		signal: i.signal,
		state: i.state,
		users: i.users,
		users_pct: share(i.users, f.active_users),
		users_prev: i.users_prev,
		users_prev_pct: share(i.users_prev, f.active_users_prev),
		link: `${f.dashboard}/issues/${encodeURIComponent(i.id)}`,
		facts: i,
	}));
	const strip = ({ facts: _, ...issue }: BriefIssue & { facts: BriefIssueFacts }): BriefIssue => issue;
	const pick = (keep: (i: (typeof issues)[number]) => boolean) => capped(issues.filter(keep).map(strip).sort(byUsers));
	const movers = issues.map(strip).filter((i) => Math.abs(move(i)) >= BRIEF_MOVER_MIN_POINTS);
	const brief: AlertBrief = {
		date: briefDate(f.to),
		window: { from: new Date(from).toISOString(), to: new Date(f.to).toISOString() },
		active_users: f.active_users,
		active_users_prev: f.active_users_prev,
		new_issues: pick((i) => i.facts.created_at > from && i.facts.created_at <= f.to),
		regressed: pick((i) => i.facts.regressed),
		escalating: pick((i) => i.state === "escalating"),
		movers_up: capped(movers.filter((i) => move(i) > 0).sort((a, b) => move(b) - move(a) || byUsers(a, b))),
		movers_down: capped(movers.filter((i) => move(i) < 0).sort((a, b) => move(a) - move(b) || byUsers(a, b))),
		wins: capped(
			f.positive_signals
				.filter((s) => s.users > 0 || s.users_prev > 0)
				.map((s) => ({ ...s, users_pct: share(s.users, f.active_users) }))
				.sort((a, b) => b.users - a.users || a.signal.localeCompare(b.signal)),
		),
		resolved: pick((i) => i.facts.resolved),
		quiet: false,
	};
	const count = (l: BriefList<unknown>) => l.items.length + l.more;
	brief.quiet = [brief.new_issues, brief.regressed, brief.escalating, brief.movers_up, brief.movers_down].every((l) => count(l) === 0);
	const active = `${plural(f.active_users, "active user")} in the last 24 h (${f.active_users_prev} the day before)`;
	const changes = [
		count(brief.new_issues) ? `${count(brief.new_issues)} new` : "",
		count(brief.regressed) ? `${count(brief.regressed)} regressed` : "",
		count(brief.escalating) ? `${count(brief.escalating)} escalating` : "",
	].filter(Boolean);
	const changed = count(brief.new_issues) + count(brief.regressed) + count(brief.escalating);
	const issuesLine = changed ? `${changes.join(", ")} ${changed === 1 ? "issue" : "issues"}.` : "No new, regressed or escalating issues.";
	const topWin = brief.wins.items[0];
	const winLine = topWin && topWin.users > 0 ? ` Top win: ${topWin.signal.replaceAll("_", " ")} (${plural(topWin.users, "user")}).` : "";
	return {
		kind: "daily_brief",
		project_id: f.project_id,
		rule: f.rule,
		title: `Daily brief for ${brief.date}`,
		summary: brief.quiet
			? `A quiet day: no new, regressed or escalating issues, and no big movers. ${active}.${winLine}`
			: `${active}. ${issuesLine}${winLine}`,
		link: `${f.dashboard}/issues`,
		at: new Date(f.to).toISOString(),
		brief,
	};
}
