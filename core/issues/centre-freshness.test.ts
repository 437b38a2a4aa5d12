import { describe, expect, it } from "vitest";
import { CENTRE_MAX_AGE_MS, centreIsCurrent, centreStamp } from "./centre-freshness";

describe("centreIsCurrent", () => {
	const now = Date.UTC(2026, 11, 7);
	it("reuses a centre computed from as many events, under a day ago", () => {
		expect(centreIsCurrent({ issue_id: "i", ...centreStamp(5, now - 1000) }, 5, now)).toBe(true);
	});
	it("recomputes when the count changed, when it is a day old, or when it never said when it was computed", () => {
		expect(centreIsCurrent(centreStamp(5, now), 6, now)).toBe(false);
		expect(centreIsCurrent(centreStamp(5, now - CENTRE_MAX_AGE_MS), 5, now)).toBe(false);
		expect(centreIsCurrent({ events: 5 }, 5, now)).toBe(false);
		expect(centreIsCurrent(undefined, 5, now)).toBe(false);
		// A time in the future (a clock that moved back) is not trusted.
		expect(centreIsCurrent(centreStamp(5, now + 60_000), 5, now)).toBe(false);
	});
});
