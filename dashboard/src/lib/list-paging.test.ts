import { describe, expect, it } from "vitest";
import { allShownText, appendPage, meaningEndText, plural, showingText, wordsEndText, wordsSummaryText } from "./list-paging";

describe("appendPage", () => {
	it("appends the next page in order, an item already shown not twice", () => {
		const key = (x: { id: string }) => x.id;
		expect(appendPage([{ id: "a" }, { id: "b" }], [{ id: "b" }, { id: "c" }], key).map(key)).toEqual(["a", "b", "c"]);
		expect(appendPage([], [{ id: "a" }], key).map(key)).toEqual(["a"]);
	});
});

describe("what a list says at its end", () => {
	it("counts every item once the last page is in, in words for one", () => {
		expect(allShownText(37, "issue")).toBe("All 37 issues shown.");
		expect(allShownText(1, "turn")).toBe("The only turn is shown.");
		expect(allShownText(1200, "event")).toBe("All 1,200 events shown.");
		expect(allShownText(3, "delivery")).toBe("All 3 deliveries shown.");
		expect(allShownText(4, "deep search")).toBe("All 4 deep searches shown.");
	});

	it("counts in the singular for one (a conversation's heading: '1 turn')", () => {
		expect(plural(1, "turn")).toBe("1 turn");
		expect(plural(62, "turn")).toBe("62 turns");
		expect(plural(1200, "event")).toBe("1,200 events");
	});

	it("says how far a paged list has got, and that it ended once it has", () => {
		expect(showingText(50, 212, "event")).toBe("Showing 50 of 212 events.");
		expect(showingText(212, 212, "event")).toBe("All 212 events shown.");
	});

	it("by meaning, says where to look further only when the ranking stopped at its depth short of the events searched", () => {
		expect(meaningEndText(37, 37, 500, 100)).toBe("That is all: all 37 results shown.");
		expect(meaningEndText(80, 80, 80, 100)).toBe("That is all: all 80 results shown.");
		const deep = meaningEndText(100, 100, 4312, 100);
		expect(deep).toMatch(/^That is all: all 100 results shown\. Search by meaning ranks the nearest 100 of 4,312 events/);
		expect(meaningEndText(1, 1, 1, 100)).toBe("That is all: the only result is shown.");
	});

	it("by words, says when only the newest matches were ranked, and how to reach older ones", () => {
		expect(wordsSummaryText(50, 212, null)).toBe("Showing 50 of 212 events with these words, best first.");
		expect(wordsEndText(212, 212, null)).toBe("That is all: all 212 events shown.");
		expect(wordsSummaryText(50, 10_000, 10_000)).toBe("Showing 50 of the 10,000 events stored last with these words, best first: more match.");
		expect(wordsEndText(10_000, 10_000, 10_000)).toMatch(
			/^That is all: all 10,000 events shown\. Search by words ranks the 10,000 matching events stored last; narrow by user/,
		);
	});
});
