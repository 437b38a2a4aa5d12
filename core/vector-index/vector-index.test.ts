import { describe, expect, it } from "vitest";
import { cosineSimilarity, matchesFilter } from "./vector-index";

describe("matchesFilter (Vectorize semantics)", () => {
	const m = { signal: "refusal", state: "ongoing", size: 12, resolved: false };
	it("supports equality shorthand, $eq, $ne, $in, $nin, all conditions together", () => {
		expect(matchesFilter(m, { signal: "refusal" })).toBe(true);
		expect(matchesFilter(m, { signal: { $eq: "win" } })).toBe(false);
		expect(matchesFilter(m, { state: { $ne: "resolved" }, size: 12 })).toBe(true);
		expect(matchesFilter(m, { state: { $in: ["new", "ongoing"] } })).toBe(true);
		expect(matchesFilter(m, { state: { $nin: ["ongoing"] } })).toBe(false);
		expect(matchesFilter(m, { missing: null })).toBe(true);
		expect(matchesFilter(m, { resolved: true })).toBe(false);
		expect(matchesFilter(m, undefined)).toBe(true);
	});
});

describe("cosineSimilarity", () => {
	it("ignores scale and handles zero vectors", () => {
		expect(cosineSimilarity([1, 0], [5, 0])).toBeCloseTo(1);
		expect(cosineSimilarity([1, 0], [0, 2])).toBeCloseTo(0);
		expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
	});
});
