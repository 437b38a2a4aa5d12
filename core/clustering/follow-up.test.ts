import { describe, expect, it } from "vitest";
import { isFollowUp } from "./follow-up";

describe("isFollowUp", () => {
	it("reads thanks, nudges, retries, yes/no and complaints about the last answer as follow-ups", () => {
		for (const text of [
			"Perfect, thank you so much!",
			"Still waiting…",
			"Try again please",
			"Hello? Any news?",
			"Did you find anything?",
			"ok",
			"No, that's wrong.",
			"That's not what I asked for.",
			"Thanks, that worked perfectly!",
			"Ugh, this is useless.",
			"👍",
			"Great, exactly what I needed.",
			"You're a lifesaver, thanks!",
			"Why can't you do this? It worked last week!",
		]) {
			expect(isFollowUp(text), text).toBe(true);
		}
	});

	it("reads a turn that names a task or a thing as a request of its own", () => {
		for (const text of [
			"Find me a flight to Lisbon",
			"Book a hotel in Porto",
			"What's on my calendar tomorrow?",
			"Try the hotel near the station instead",
			"Thanks! Now book the cheapest one",
			"¿Puedes reservar un hotel en Madrid?",
			"Kannst du ein Hotel in Berlin buchen?",
			"No, I said 4 people",
		]) {
			expect(isFollowUp(text), text).toBe(false);
		}
	});
});
