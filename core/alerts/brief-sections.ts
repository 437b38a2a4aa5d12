import { pct } from "./alert-message";
import type { AlertBrief, BriefIssue, BriefList } from "./daily-brief";

// Kept apart from daily-brief.ts: the destinations (and so the dashboard bundle) import this, and it holds no zod.

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A line of a brief section: a label (linked when it names an issue) and what changed. */
export interface BriefLine {
	label: string;
	url?: string;
	detail: string;
}

export interface BriefSection {
	heading: string;
	lines: BriefLine[];
	/** How many more the list had: "and N more". */
	more: number;
}

const arrow = (now: number, before: number) => (now === before ? "flat" : `${now > before ? "▲" : "▼"} from ${before}`);
const points = (x: number) => `${pct(Math.round(Math.abs(x) * 10) / 10).slice(0, -1)} pts`;

function issueLine(i: BriefIssue): BriefLine {
	return { label: i.title, url: i.link, detail: `${plural(i.users, "user")} (${pct(i.users_pct)}), ${arrow(i.users, i.users_prev)}` };
}

function moverLine(i: BriefIssue): BriefLine {
	const d = i.users_pct - i.users_prev_pct;
	return { label: i.title, url: i.link, detail: `${pct(i.users_pct)} of users, ${d > 0 ? "▲" : "▼"} ${points(d)} from ${pct(i.users_prev_pct)}` };
}

/** The brief's non-empty lists in reading order; every destination renders these, each in its own markup. */
export function briefSections(b: AlertBrief): BriefSection[] {
	const sections: BriefSection[] = [
		{ heading: "New issues", ...lines(b.new_issues, issueLine) },
		{ heading: "Regressed", ...lines(b.regressed, issueLine) },
		{ heading: "Escalating", ...lines(b.escalating, issueLine) },
		{ heading: "Moving up (% of users)", ...lines(b.movers_up, moverLine) },
		{ heading: "Moving down (% of users)", ...lines(b.movers_down, moverLine) },
		{
			heading: "Wins",
			...lines(b.wins, (w) => ({
				label: w.signal.replaceAll("_", " "),
				detail: `${plural(w.users, "user")} (${pct(w.users_pct)}), ${arrow(w.users, w.users_prev)}`,
			})),
		},
		{ heading: "Resolved", ...lines(b.resolved, (i) => ({ label: i.title, url: i.link, detail: `${plural(i.users_prev, "user")} the day before` })) },
	];
	return sections.filter((s) => s.lines.length > 0);
}

function lines<T>(list: BriefList<T>, line: (item: T) => BriefLine): { lines: BriefLine[]; more: number } {
	return { lines: list.items.map(line), more: list.more };
}
