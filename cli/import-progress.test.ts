import { describe, expect, it } from "vitest";
import { progressLine, RateLimiter, resumeFrom } from "./import-progress";

describe("import rate limiter", () => {
	it("lets a second's worth through, then paces to the rate", async () => {
		let now = 0;
		const waits: number[] = [];
		const limiter = new RateLimiter(
			100,
			() => now,
			async (ms) => {
				waits.push(ms);
				now += ms;
			},
		);
		await limiter.take(100);
		expect(waits).toEqual([]);
		await limiter.take(50);
		expect(now).toBe(500);
		await limiter.take(100);
		expect(now).toBe(1500);
	});
});

describe("import progress", () => {
	it("shows the bar, counts, rate and time left", () => {
		expect(progressLine({ done: 250, total: 1000, accepted: 240, rejected: 10, elapsedMs: 2000 }, 8)).toBe(
			"[##......]  250/1,000  25%  125/s  accepted 240  rejected 10  eta 6 s",
		);
		expect(progressLine({ done: 10, total: 10, accepted: 10, rejected: 0, elapsedMs: 1000 }, 4)).toBe("[####]  10/10  100%  10/s  accepted 10  rejected 0");
	});

	it("resumes only the same file sent to the same instance", () => {
		const saved = { version: 1 as const, url: "http://a", size: 100, lines_done: 40, accepted: 40, rejected: 0 };
		expect(resumeFrom(saved, "http://a", 100).lines_done).toBe(40);
		expect(resumeFrom(saved, "http://b", 100).lines_done).toBe(0);
		expect(resumeFrom(saved, "http://a", 101).lines_done).toBe(0);
		expect(resumeFrom(null, "http://a", 100).lines_done).toBe(0);
	});
});
