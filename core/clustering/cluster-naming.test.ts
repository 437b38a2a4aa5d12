import { describe, expect, it } from "vitest";
import { issueDescription, issueTitle, templateTitle } from "./cluster-naming";


describe("issue titles", () => {
	it("quote the central example's sentence that carries the cluster's keywords", () => {
		const central = "I understand why you'd want that. Unfortunately I'm not able to view or change your calendar events. Anything else?";
		expect(issueTitle(["calendar", "events"], central)).toBe("Unfortunately I'm not able to view or change your calendar events.");
	});

	it("prefer the sentence that shows the signal over one that only says what it was about", () => {
		const central = "Day 1: arrive in Rome, walk the old town and have dinner by the river. Day 2: museums. You can fill in the rest of the days in the same way.";
		const laziness = new Set(["rest", "fill", "same"]);
		expect(issueTitle(["rome", "day", "river"], central, 80, laziness)).toBe("You can fill in the rest of the days in the same way.");
		expect(issueTitle(["rome", "day", "river"], central)).toMatch(/^Day 1: arrive in Rome/);
	});

	it("trim long sentences at a word and fall back to the first sentence", () => {
		const title = issueTitle(["zebra"], "Here is a very long answer that keeps going and going well past the length a title in a list can show comfortably.");
		expect(title.length).toBeLessThanOrEqual(80);
		expect(title.endsWith("…")).toBe(true);
		expect(title.startsWith("Here is a very long answer")).toBe(true);
	});

	it("describe an issue by its keywords and its central example", () => {
		expect(issueDescription(["flights", "504"], "search_flights: 504 Gateway Timeout")).toBe("flights, 504: search_flights: 504 Gateway Timeout");
	});
});

describe("template titles", () => {
	it("keep the words most members share and mark the ones that vary", () => {
		const hotel = ["Book a hotel in Lisbon for 3 nights", "Book a hotel in Rome for 2 nights", "book a hotel in Kyoto for 4 nights please", "Book a hotel in Berlin for 5 nights", "I need a hotel in Porto for 6 nights"];
		expect(templateTitle(["hotel", "book", "nights"], hotel[0]!, hotel)).toBe("Book a hotel in … for … nights");
		const flights = ["Find me a flight to Lisbon next Friday?", "Find me a flight to Rome next Friday", "find a flight to Berlin on Monday", "Find me a flight to Oslo next Friday"];
		expect(templateTitle(["flight", "friday"], flights[0]!, flights)).toBe("Find me a flight to … next Friday?");
	});

	it("name a cluster by its central sentence when its members share no word", () => {
		expect(templateTitle(["lorem"], "Lorem ipsum dolor.", ["Lorem ipsum dolor.", "sit amet consectetur", "adipiscing elit sed"])).toBe("Lorem ipsum dolor.");
	});
});
