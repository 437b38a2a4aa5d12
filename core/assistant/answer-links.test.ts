import { describe, expect, it } from "vitest";
import { type AnswerLink, linkAnswer } from "./answer-links";

const issue: AnswerLink = { kind: "issue", id: "iss_1", title: "Claims it cannot access contacts", url: "https://dash.test/issues/iss_1" };
const convo: AnswerLink = { kind: "conversation", id: "c 7", url: "https://dash.test/conversations/c%207" };

describe("linkAnswer", () => {
	it("links references to what the tools returned, and lists them once", () => {
		const out = linkAnswer("[Contacts](issue:iss_1) hit 4 users; see [this talk](conversation:c%207) and [again](issue:iss_1).", [issue, convo]);
		expect(out.answer).toBe(
			"[Contacts](https://dash.test/issues/iss_1) hit 4 users; see [this talk](https://dash.test/conversations/c%207) and [again](https://dash.test/issues/iss_1).",
		);
		expect(out.links).toEqual([issue, convo]);
	});

	it("leaves an id the tools never returned as plain text", () => {
		const out = linkAnswer("Also [a made-up issue](issue:iss_999) and [an event](event:evt_1).", [issue]);
		expect(out.answer).toBe("Also a made-up issue and an event.");
		expect(out.links).toEqual([]);
	});

	it("keeps a link to a known dashboard URL, and reduces any other URL to its text", () => {
		const out = linkAnswer("[Contacts](https://dash.test/issues/iss_1) or [click here](https://evil.test/login)", [issue]);
		expect(out.answer).toBe("[Contacts](https://dash.test/issues/iss_1) or click here");
		expect(out.links).toEqual([issue]);
	});

	it("leaves text without links alone", () => {
		expect(linkAnswer("35.6% of users (list_issues, last 14 days) [sic]", [issue])).toEqual({
			answer: "35.6% of users (list_issues, last 14 days) [sic]",
			links: [],
		});
	});
});
