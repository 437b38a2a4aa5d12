import { describe, expect, it } from "vitest";
import { DAY_MS } from "../timestamps";
import { initialState, NEW_FOR_MS, PERSON_STATES, personReason, reasons, regression, systemTransition, WAKE_FROM_IGNORED } from "./lifecycle";

const NOW = 100 * DAY_MS;
const old = NOW - 2 * DAY_MS;
const young = NOW - DAY_MS / 2;
const quiet = { recentUsers: 0, baselineUsers: 0 };

describe("issue lifecycle", () => {
	it("lets a person resolve, ignore or reopen an issue, and leaves new, escalating and regressed to the system", () => {
		expect([...PERSON_STATES].sort()).toEqual(["ignored", "ongoing", "resolved"]);
	});

	it("records the reason a person gave, else what their options mean", () => {
		expect(personReason({ reason: "fixed the prompt", in_release: "1.2" })).toBe("fixed the prompt");
		expect(personReason({ until_more_users: 10 })).toBe("until 10 more users");
		expect(personReason({ in_release: "1.2" })).toBe("in release 1.2");
		expect(personReason({})).toBeNull();
		expect(personReason({ reason: "", in_release: "1.2" })).toBe("");
	});

	it("turns a new issue ongoing once its first event is older than a day, not before", () => {
		expect(systemTransition({ state: "new", firstSeen: old }, quiet, NOW)).toEqual({ from: "new", to: "ongoing", reason: "first seen more than a day ago" });
		expect(systemTransition({ state: "new", firstSeen: young }, quiet, NOW)).toBeNull();
		expect(systemTransition({ state: "new", firstSeen: NOW - NEW_FOR_MS }, quiet, NOW)).toBeNull();
		expect(systemTransition({ state: "new", firstSeen: NOW - NEW_FOR_MS - 1 }, quiet, NOW)).toMatchObject({ to: "ongoing" });
	});

	it("makes an issue whose first event is past the new period ongoing from the start, whenever the grouper makes it", () => {
		// A month of events imported today: the problem is a month old, not new.
		expect(initialState(NOW - 29 * DAY_MS, NOW)).toBe("ongoing");
		expect(initialState(NOW - 2 * DAY_MS, NOW)).toBe("ongoing");
		expect(initialState(young, NOW)).toBe("new");
		expect(initialState(NOW - 60_000, NOW)).toBe("new");
		// A clock a little behind the client's: an event from "the future" is new.
		expect(initialState(NOW + 60_000, NOW)).toBe("new");
	});

	it("says when a just-made issue's first event was, so its history reads right on backfilled events", () => {
		expect(reasons.promoted(4, Date.UTC(2026, 10, 7, 23, 59))).toBe("4 similar events, first seen 2026-11-07");
		expect(reasons.splitFrom("iss_1", Date.UTC(2026, 0, 2))).toBe("split from iss_1, first seen 2026-01-02");
		expect(reasons.promoted(3, Number.NaN)).toBe("3 similar events, first seen at an unknown date");
	});

	it("escalates when the last day's users reach the minimum and three times the daily baseline", () => {
		expect(systemTransition({ state: "ongoing", firstSeen: old }, { recentUsers: 3, baselineUsers: 7 }, NOW)).toEqual({
			from: "ongoing",
			to: "escalating",
			reason: "3 users in 24 h vs 1.0/day before",
		});
		// 2 users/day before: 6 are needed.
		expect(systemTransition({ state: "ongoing", firstSeen: old }, { recentUsers: 5, baselineUsers: 14 }, NOW)).toBeNull();
		expect(systemTransition({ state: "ongoing", firstSeen: old }, { recentUsers: 2, baselineUsers: 0 }, NOW)).toBeNull();
	});

	it("never escalates an issue younger than a day", () => {
		expect(systemTransition({ state: "new", firstSeen: young }, { recentUsers: 50, baselineUsers: 0 }, NOW)).toBeNull();
	});

	it("calms an escalating issue back to ongoing, and keeps one that is still hot", () => {
		expect(systemTransition({ state: "escalating", firstSeen: old }, quiet, NOW)).toEqual({
			from: "escalating",
			to: "ongoing",
			reason: "back to its usual rate",
		});
		expect(systemTransition({ state: "escalating", firstSeen: old }, { recentUsers: 9, baselineUsers: 0 }, NOW)).toBeNull();
	});

	it("leaves resolved, ignored and regressed issues to a person", () => {
		for (const state of ["resolved", "ignored", "regressed"])
			expect(systemTransition({ state, firstSeen: old }, { recentUsers: 50, baselineUsers: 0 }, NOW)).toBeNull();
	});

	it("wakes an issue ignored until more users as ongoing", () => {
		expect(WAKE_FROM_IGNORED).toMatchObject({ from: "ignored", to: "ongoing" });
	});

	it("regresses a resolved issue on any later event, or by release when it was resolved in one", () => {
		expect(regression(null, "1.0")).toEqual({ reason: "new events after it was resolved", afterResolution: true });
		expect(regression("2.0", undefined)).toEqual({ reason: "new events after it was resolved", afterResolution: true });
		expect(regression("2.0", "1.9")).toBeNull();
		expect(regression("2.0", "2.0")).toEqual({ reason: "new events in release 2.0, at or after 2.0 where it was resolved", afterResolution: false });
		expect(regression("2.0", "2.1")).toMatchObject({ afterResolution: false });
	});
});
