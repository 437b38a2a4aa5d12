import { describe, expect, it } from "vitest";
import { generateDemo } from "./demo-traffic";

const NOW = Date.UTC(2026, 10, 22, 12);
const DAY = 86_400_000;

describe("demo traffic", () => {
	it("is the same for the same seed, and different for another", () => {
		expect(generateDemo({ seed: 7, now: NOW })).toEqual(generateDemo({ seed: 7, now: NOW }));
		expect(generateDemo({ seed: 8, now: NOW }).events.slice(0, 20)).not.toEqual(generateDemo({ seed: 7, now: NOW }).events.slice(0, 20));
	});

	it("plants its failure modes where the story says", () => {
		const { events, signals, regression } = generateDemo({ now: NOW });
		const day = (e: { timestamp: number }) => Math.floor((e.timestamp - (NOW - 30 * DAY)) / DAY);
		const calendarRefusals = events.filter((e) => /calendar/i.test(e.input) && /can't|cannot|not able|don't have access/i.test(e.output));
		expect(calendarRefusals.length).toBeGreaterThan(20);
		expect(calendarRefusals.every((e) => e.model === "assistant-2026-11" && day(e) >= 18)).toBe(true);
		const timeouts = events.filter((e) => e.tool_calls.some((t) => t.error?.includes("504")));
		expect(timeouts.every((e) => day(e) >= 22)).toBe(true);
		const staleDates = events.filter((e) => /2024/.test(e.output));
		expect(staleDates.every((e) => e.properties.prompt_version === "v11")).toBe(true);
		expect(regression.every((e) => /2024/.test(e.output) && e.properties.prompt_version === "v12")).toBe(true);
		expect(events.some((e) => /¿|Bitte/.test(e.input) && /only (help|respond) in English/.test(e.output))).toBe(true);
		expect(new Set(signals.map((s) => s.signal))).toEqual(new Set(["thumbs_down", "regenerate", "thumbs_up", "copy"]));
	});
});
