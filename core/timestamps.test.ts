import { describe, expect, it } from "vitest";
import { parseEventFilter } from "./event-query";
import { parseTimeQuery, timestampSchema } from "./timestamps";

describe("parseTimeQuery (every date query parameter of the read API)", () => {
	it("reads dates, ISO date-times and epoch milliseconds, up to the edges of JavaScript's Date range", () => {
		expect(parseTimeQuery("2026-11-01")).toEqual({ ms: Date.UTC(2026, 10, 1) });
		expect(parseTimeQuery("2026-11-01T12:00:00Z")).toEqual({ ms: Date.UTC(2026, 10, 1, 12) });
		expect(parseTimeQuery("1700000000000")).toEqual({ ms: 1_700_000_000_000 });
		expect(parseTimeQuery("8640000000000000")).toEqual({ ms: 8.64e15 });
		expect(parseTimeQuery("-8640000000000000")).toEqual({ ms: -8.64e15 });
	});

	it("names a problem for epoch ms outside the Date range (9999999999999968, 8640000086400000), which `new Date` cannot format", () => {
		for (const raw of ["9999999999999968", "8640000086400000", "-8640000000000001", "9".repeat(60), "+275760-09-13T00:00:00.001Z"]) {
			const parsed = parseTimeQuery(raw);
			expect(parsed, raw).toHaveProperty("problem");
		}
	});

	it("names a problem for text that is not a date, empty text and text over 64 characters", () => {
		for (const raw of ["", "   ", "someday", "NaN", "Infinity", "1e3", "2026-13-45", "9".repeat(65)])
			expect(parseTimeQuery(raw), raw).toHaveProperty("problem");
	});

	it("GET /api/events filters report the out-of-range bound as a field error on `from` / `to`", () => {
		const { errors } = parseEventFilter(new URLSearchParams("from=9999999999999968&to=8640000086400000"));
		expect(errors.map((e) => e.field)).toEqual(["from", "to"]);
	});
});

describe("timestampSchema (every timestamp ingest takes)", () => {
	it("keeps past times and up to a minute ahead, stores a fast clock's time as received, refuses more than 24 h ahead", () => {
		const now = Date.now();
		const parse = (value: number | string) => timestampSchema.safeParse(value);
		expect(parse(now - 86_400_000)).toEqual({ success: true, data: now - 86_400_000 });
		expect(parse(new Date(now - 1000).toISOString())).toEqual({ success: true, data: now - 1000 });
		expect(parse(now + 30_000)).toEqual({ success: true, data: now + 30_000 });
		for (const ahead of [5 * 60_000, 9 * 3_600_000, 23 * 3_600_000]) {
			const parsed = parse(now + ahead);
			expect(parsed.success).toBe(true);
			// The time received: not before this test's clock, and far from the time sent.
			expect(parsed.data!).toBeGreaterThanOrEqual(now);
			expect(parsed.data!).toBeLessThan(now + 60_000);
		}
		const refused = parse(now + 25 * 3_600_000);
		expect(refused.success).toBe(false);
		expect(refused.error!.issues[0]!.message).toBe("is more than 24 hours in the future");
	});
});
