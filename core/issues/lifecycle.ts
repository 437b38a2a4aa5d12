import { compareReleases } from "../release-order";
import { DAY_MS, MAX_DATE_MS } from "../timestamps";

/**
 * An issue's life, decided in one place: which states a person sets and which the detect worker
 * sets, when the worker moves an issue on, and the reason each change records in its history.
 * The store (workers/shared/src/stores/issue-store.ts) writes what these functions decide.
 */

/** Every state an issue can be in; db/schema/issues.ts types its column with this list. */
export const ISSUE_STATES = ["new", "ongoing", "escalating", "regressed", "resolved", "ignored"] as const;
export type IssueState = (typeof ISSUE_STATES)[number];

/** States a person sets through the API; new, escalating and regressed are set by the system. */
export const PERSON_STATES = ["resolved", "ignored", "ongoing"] as const satisfies readonly IssueState[];
export type PersonState = (typeof PERSON_STATES)[number];

/** The history's to-state of an issue merged into another (it is then deleted: not an issue state). */
export const MERGED = "merged";

/**
 * How long an issue reads "new": its first day, counted from its first event's own timestamp,
 * not from when the grouper made the issue. A month of events imported at once (a backfill, the
 * demo) makes issues that are ongoing from the start; a live issue is new for its first day and
 * the maintenance pass then moves it on. Only then may it escalate (a baseline needs a past).
 */
export const NEW_FOR_MS = DAY_MS;

/** Whether an issue first seen at `firstSeen` (its earliest event, epoch ms) is still in its new period at `now`. */
export const isNewAt = (firstSeen: number, now: number): boolean => now - firstSeen <= NEW_FOR_MS;

/** The state an issue is made in (promoted from candidates, split off another): new, or ongoing when its first event is past the new period. */
export const initialState = (firstSeen: number, now: number): "new" | "ongoing" => (isNewAt(firstSeen, now) ? "new" : "ongoing");
/** Escalating: the last 24 hours reached this many users and this multiple of the issue's daily baseline. */
export const ESCALATION_MIN_USERS = 3;
export const ESCALATION_FACTOR = 3;
/** The escalation baseline: users per day over the days `today - from` .. `today - to` (a week, yesterday excluded). */
export const BASELINE_DAYS = { from: 8, to: 2 } as const;
const BASELINE_LENGTH = BASELINE_DAYS.from - BASELINE_DAYS.to + 1;

/** States the maintenance pass leaves alone: a person's decision, or a regression a person has to look at. */
const HELD_STATES: readonly IssueState[] = ["resolved", "ignored", "regressed"];

/** A person's state change: the reason they gave, else what the options say. */
export function personReason(change: { reason?: string; until_more_users?: number; in_release?: string }): string | null {
	if (change.reason !== undefined) return change.reason;
	if (change.until_more_users) return `until ${change.until_more_users} more users`;
	if (change.in_release) return `in release ${change.in_release}`;
	return null;
}

/** Whether the maintenance pass may move the issue on (it reads the issue's usage only then). */
export const canMoveOn = (state: string): boolean => !HELD_STATES.includes(state as IssueState);

export interface SystemTransition {
	from: IssueState;
	to: IssueState;
	reason: string;
}

/**
 * The maintenance pass's decision for one issue from its last 24 hours' users and its users over
 * the baseline days (null: it stays). Escalation comes first; a new issue that is not hot becomes
 * ongoing once its first event is older than NEW_FOR_MS (`firstSeen`: the issue's first_seen, event time).
 */
export function systemTransition(
	issue: { state: string; firstSeen: number },
	usage: { recentUsers: number; baselineUsers: number },
	now: number,
): SystemTransition | null {
	const state = issue.state as IssueState;
	if (!canMoveOn(state)) return null;
	const old = !isNewAt(issue.firstSeen, now);
	const recent = usage.recentUsers;
	const baselinePerDay = usage.baselineUsers / BASELINE_LENGTH;
	const hot = recent >= ESCALATION_MIN_USERS && recent >= ESCALATION_FACTOR * Math.max(1, baselinePerDay) && old;
	if (hot && state !== "escalating") return { from: state, to: "escalating", reason: `${recent} users in 24 h vs ${baselinePerDay.toFixed(1)}/day before` };
	if (!hot && state === "escalating") return { from: "escalating", to: "ongoing", reason: "back to its usual rate" };
	if (state === "new" && old) return { from: "new", to: "ongoing", reason: "first seen more than a day ago" };
	return null;
}

/** An issue ignored until N more users comes back as ongoing once it reached them. */
export const WAKE_FROM_IGNORED: SystemTransition = { from: "ignored", to: "ongoing", reason: "more users affected than it was ignored for" };

/**
 * Whether an event joining a resolved issue regresses it, and why. Resolved in a release: an event
 * from that release or a later one does, one from an older release (clients not updated yet) does
 * not. Otherwise any event after the resolution does, which only the database knows
 * (`afterResolution`: the store compares the event's time with resolved_at in the same statement).
 */
export function regression(fixedIn: string | null | undefined, release: string | undefined): { reason: string; afterResolution: boolean } | null {
	if (fixedIn && release !== undefined) {
		if (compareReleases(release, fixedIn) < 0) return null;
		return { reason: `new events in release ${release}, at or after ${fixedIn} where it was resolved`, afterResolution: false };
	}
	return { reason: "new events after it was resolved", afterResolution: true };
}

/** Reasons recorded when issues are created, merged and split. */
export const reasons = {
	/** The issue's first event's date (UTC) says why a just-made issue may already be ongoing. */
	promoted: (events: number, firstSeen: number) => `${events} similar events, first seen ${utcDate(firstSeen)}`,
	mergedInto: (id: string) => `merged into ${id}`,
	absorbed: (id: string) => `absorbed ${id}`,
	splitFrom: (id: string, firstSeen: number) => `split from ${id}, first seen ${utcDate(firstSeen)}`,
	splitInto: (parts: string[]) => (parts.length ? `split into ${parts.join(", ")}` : "split found no separate part"),
};

/** "2026-11-07": a date the history's reader cannot misread whatever their locale. */
const utcDate = (ms: number): string => (Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString().slice(0, 10) : "at an unknown date");
