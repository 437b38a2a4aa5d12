import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { wrongDate } from "./wrong-date";
import type { DetectionInput } from "./detection-input";

const NOW = Date.UTC(2026, 10, 20, 15); // Friday, November 20, 2026
const fires = (output: string, x: Partial<DetectionInput> = {}) => wrongDate({ timestamp: NOW, output, ...x }) !== null;

describe("wrongDate", () => {
	it("fires on the demo's stale-prompt replies, on the demo's own timestamps", () => {
		for (const output of ["Today is March 3, 2024.", "It's Monday, January 8, 2024.", "Today is June 12, 2024, so your trip is in 18 days."]) {
			for (const input of ["What's today's date?", "What day of the week is it today?", "How many days until my trip on the 30th?", "What day is it today?"]) {
				expect(fires(output, { input }), `${input} → ${output}`).toBe(true);
			}
		}
		// The fixed prompt's reply ("Today is Tue, 17 Nov 2026.") a day before the event stays quiet.
		expect(fires("Today is Tue, 17 Nov 2026.", { input: "What's today's date?", timestamp: Date.UTC(2026, 10, 18, 19) })).toBe(false);
	});

	it("reads the usual ways of saying today's date or year", () => {
		for (const output of [
			"Today's date is 03/14/2025.",
			"Today is the 8th of January 2024.",
			"It's Jan 8th, 2024 — a Monday.",
			"The current year is 2024, so you are 38.",
			"As of today, 12 March 2025, the rate is 1.08.",
			"This year, 2024, Christmas falls on a Wednesday.",
			"Today is 2025-02-11 (Tuesday).",
			"We're now in 2024, so the World Cup is two years away.",
			"Today's date is 08.01.2024.",
			"It is currently Tuesday, 8 January 2024 at 10:00.",
			"Current date: 2024-01-08",
		]) {
			expect(fires(output, { input: "What's the date?" }), output).toBe(true);
		}
	});

	it("gives the framing and the date as evidence", () => {
		const output = "Sure! Today is Monday, January 8, 2024. Here's your plan.";
		expect(wrongDate({ output, timestamp: NOW })).toEqual({ field: "output", start: 6, end: 38, text: "Today is Monday, January 8, 2024" });
	});

	it("allows two days either way for the user's time zone and midnight, not three", () => {
		expect(fires("Today is November 22, 2026.")).toBe(false);
		expect(fires("Today is November 18, 2026.")).toBe(false);
		expect(fires("Today is November 23, 2026.")).toBe(true);
		expect(fires("Today is November 17, 2026.")).toBe(true);
		expect(fires("Today is Thursday, November 19, 2026.", { timestamp: Date.UTC(2026, 10, 20, 1) })).toBe(false);
		// A day without a year is read in the year nearest the event.
		expect(fires("Today is December 31.", { timestamp: Date.UTC(2027, 0, 1, 3) })).toBe(false);
		expect(fires("Today is December 2.")).toBe(true);
		// A year alone: right within two days of New Year.
		expect(fires("The current year is 2025.", { timestamp: Date.UTC(2026, 0, 1, 0) })).toBe(false);
		expect(fires("The current year is 2025.", { timestamp: Date.UTC(2026, 5, 1) })).toBe(true);
		expect(fires("We are in 2025 now.", { timestamp: Date.UTC(2025, 5, 1) })).toBe(false);
		expect(fires("We are in 2025 now.", { timestamp: Date.UTC(2026, 5, 1) })).toBe(true);
		expect(fires("As of today, 2025 is the current year, so the deadline has passed.", { timestamp: Date.UTC(2026, 0, 1) })).toBe(false);
	});

	it("fires on a weekday that is not the weekday of the date it names, however near", () => {
		expect(fires("Today is Friday, November 20, 2026.")).toBe(false);
		expect(fires("Today is Tuesday, November 20.")).toBe(true);
		expect(fires("Today is Fri, 20 Nov 2026.")).toBe(false);
	});

	it("fires on a numeric date only if both the month-first and the day-first reading are wrong", () => {
		expect(fires("Today is 05/04/2026.", { timestamp: Date.UTC(2026, 3, 5) })).toBe(false);
		expect(fires("Today is 05/04/2026.", { timestamp: Date.UTC(2026, 4, 4) })).toBe(false);
		expect(fires("Today is 05/04/2026.")).toBe(true);
	});

	it("accepts the timestamp as an ISO string, as the own cases carry it", () => {
		expect(wrongDate({ output: "Today is March 3, 2024.", timestamp: "2026-06-15T12:00:00Z" as unknown as number })).not.toBeNull();
	});

	it("stays quiet on past, future and historical dates, and on dates the user gave", () => {
		expect(fires("On July 4, 1776, the Continental Congress adopted the Declaration.", { input: "What happened on July 4, 1776?" })).toBe(false);
		expect(fires("The Berlin wall fell in 1989.")).toBe(false);
		expect(fires("It was Sunday, July 20, 1969, when Apollo 11 landed.")).toBe(false);
		expect(fires("The next cycle starts on Friday, January 8, 2027.")).toBe(false);
		expect(fires("Today, November 20, in 1945, the Nuremberg trials began.")).toBe(false);
		expect(fires("It's 1943. The war rages on.", { input: "Tell me about 1943 from a soldier's view" })).toBe(false);
		expect(fires("Understood — it's 2024.", { input: "Role-play: you are an assistant in 2024." })).toBe(false);
		expect(fires("Since today is March 3, 2024 in your story, the hero wakes up.", { input: "In my story today is March 3, 2024." })).toBe(false);
		const history = [{ role: "user" as const, content: "Pretend today is March 3, 2024." }];
		expect(fires("Today is March 3, 2024, as agreed.", { input: "What day is it?", history })).toBe(false);
		// The user named another day of that year: the stated "today" is still the assistant's own.
		expect(fires("Today is March 3, 2024, so it has been 62 days.", { input: "How many days since Jan 1, 2024?" })).toBe(true);
	});

	it("stays quiet on suppositions, quotes, code and an event's date after a when-question", () => {
		expect(fires("If today is March 3, 2024, your bill is due in 10 days.")).toBe(false);
		expect(fires("The sentence \"It's Monday, January 8, 2024, and I'm happy.\" is correct.")).toBe(false);
		expect(fires('```python\nprint("Today is 2024-01-08")\n```')).toBe(false);
		expect(fires("It's Tuesday, November 5, 2024.", { input: "When is the election?" })).toBe(false);
		expect(fires("It's Thursday, November 26.", { input: "What date is Thanksgiving this year?" })).toBe(false);
		expect(fires("It's May 5th, a celebration of the Battle of Puebla.", { input: "Tell me about Cinco de Mayo" })).toBe(false);
		expect(fires("It's 2024 model year pricing.")).toBe(false);
		expect(fires("We are in 2024 dollars here, adjusted for inflation.")).toBe(false);
		expect(fires("When was it released? It's 2019.")).toBe(false);
	});

	it("gets every own case in eval/cases/wrong_date.jsonl right", () => {
		const cases = readFileSync("eval/cases/wrong_date.jsonl", "utf8")
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as DetectionInput & { label: boolean });
		for (const c of cases) expect(wrongDate(c) !== null, c.output ?? "").toBe(c.label);
	});
});
