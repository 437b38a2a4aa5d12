import { describe, expect, it } from "vitest";
import { issueDescription, issueTitle } from "./cluster-naming";


describe("issue titles", () => {
	it("quote the central example's sentence that carries the cluster's keywords", () => {
		const central = "I understand why you'd want that. Unfortunately I'm not able to view or change your calendar events. Anything else?";
		expect(issueTitle(["calendar", "events"], central)).toBe("Unfortunately I'm not able to view or change your calendar events.");
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
