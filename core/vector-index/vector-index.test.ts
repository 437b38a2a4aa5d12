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
	it("supports the ranges $gt, $gte, $lt, $lte; a missing value or another type is outside", () => {
		expect(matchesFilter(m, { size: { $gte: 12, $lt: 13 } })).toBe(true);
		expect(matchesFilter(m, { size: { $gt: 12 } })).toBe(false);
		expect(matchesFilter(m, { size: { $lte: 11 } })).toBe(false);
		expect(matchesFilter(m, { missing: { $gte: 0 } })).toBe(false);
		expect(matchesFilter(m, { state: { $gte: 1 } })).toBe(false);
		expect(matchesFilter(m, { state: { $gte: "a", $lt: "p" } })).toBe(true);
	});
});

describe("cosineSimilarity", () => {
	it("ignores scale and handles zero vectors", () => {
		expect(cosineSimilarity([1, 0], [5, 0])).toBeCloseTo(1);
		expect(cosineSimilarity([1, 0], [0, 2])).toBeCloseTo(0);
		expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
	});
});
