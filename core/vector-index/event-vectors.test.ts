import { describe, expect, it } from "vitest";
import { bestPerEvent, popcount32, signCode, smallestK } from "./event-vectors";

describe("event vector helpers", () => {
	it("signCode sets one bit per positive dimension", () => {
		const code = signCode([1, -1, 0.5, 0, -2, 3, 1, 1, -1, 2]);
		expect([...code]).toEqual([0b11100101, 0b10]);
	});

	it("popcount32 counts the set bits of a word", () => {
		expect(popcount32(0)).toBe(0);
		expect(popcount32(0xffffffff)).toBe(32);
		expect(popcount32(0b1011)).toBe(3);
	});

	it("smallestK takes the k smallest distances, lower index first on ties, skipping what is asked", () => {
		const d = Uint16Array.from([5, 1, 3, 1, 0, 3, 9]);
		expect(smallestK(d, 7, 3, 9).sort()).toEqual([1, 3, 4]);
		expect(smallestK(d, 7, 4, 9).sort()).toEqual([1, 2, 3, 4]);
		expect(smallestK(d, 7, 3, 9, (i) => i === 4).sort()).toEqual([1, 2, 3]);
		expect(smallestK(d, 7, 100, 9)).toHaveLength(7);
	});

	it("bestPerEvent keeps each event once, with its best part, best first", () => {
		const ranked = bestPerEvent(
			[
				{ eventId: "a", score: 0.5, part: "input" },
				{ eventId: "b", score: 0.7, part: "output" },
				{ eventId: "a", score: 0.9, part: "output" },
			],
			5,
		);
		expect(ranked).toEqual([
			{ eventId: "a", score: 0.9, part: "output" },
			{ eventId: "b", score: 0.7, part: "output" },
		]);
	});
});
