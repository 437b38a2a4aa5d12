import { describe, expect, it } from "vitest";
import { signalVocabulary } from "../detection/signal-vocabulary";
import { whileDoing } from "./intent-names";
import {
	intentDescription,
	intentName,
	issueDescription,
	issueTitle,
	nameIntents,
	nameIssue,
	nameIssues,
	templateTitle,
	textTemplate,
	toolLabel,
} from "./cluster-naming";

const NOV_18 = Date.UTC(2026, 10, 18, 9);
const NOW = Date.UTC(2026, 11, 5);

const CALENDAR_REFUSALS = [
	"I'm sorry, but I can't access your calendar.",
	"Unfortunately I'm not able to view or change your calendar events.",
	"I can't make changes to your calendar, sorry.",
	"I don't have access to your calendar, so I can't schedule that.",
	"Sorry, I cannot access your calendar right now.",
];
const CONTACT_REFUSALS = [
	"I'm sorry, but I can't access your contacts.",
	"I don't have access to your contact list.",
	"Unfortunately I cannot read your contacts on this device.",
	"Sorry, I can't see your contacts.",
];
const FILE_REFUSALS = [
	"I'm unable to open files from your computer.",
	"I can't read the file you uploaded.",
	"Sorry, I cannot access attachments or files.",
	"I'm not able to open the file you attached.",
];
const ENGLISH_ONLY = [
	"I'm sorry, but I can only help in English.",
	"Sorry, I can only respond in English. Could you rephrase your request in English?",
	"I'm sorry, I can only respond in English.",
	"Unfortunately I can't help with requests that aren't in English.",
];
const BOOKING_REFUSALS = [
	"I'm not allowed to book hotels for you.",
	"Sorry, I'm not permitted to book hotels on your behalf.",
	"I'm not allowed to book hotels, but I can list some.",
];

const odd = [
	"",
	"   ",
	"🙂🙂🙂",
	"```ts\nconst x: number = await fetch(url);\n```",
	"東京のホテルを予約してください",
	"¿Puedes reservar un hotel en Madrid?",
	"Kannst du ein Hotel in Berlin buchen?",
	"<script>alert(1)</script>",
	"a".repeat(5000),
	"I can't",
	"No, I said",
	"x: ",
	": :",
];

describe("issue names: refusals", () => {
	it("say what the assistant claims it cannot do, in the third person", () => {
		const [name] = nameIssues("refusal", [{ texts: CALENDAR_REFUSALS, central: CALENDAR_REFUSALS[0], count: 42, firstSeen: NOV_18 }], [], NOW);
		expect(name!.title).toBe("Claims it cannot access the calendar");
		expect(name!.description).toBe("The assistant says it cannot access the user's calendar, in 42 replies since Nov 18.");
	});

	it("name each topic by its own object", () => {
		const names = nameIssues("refusal", [{ texts: CONTACT_REFUSALS }, { texts: FILE_REFUSALS }, { texts: ENGLISH_ONLY }, { texts: BOOKING_REFUSALS }]);
		expect(names.map((n) => n.title)).toEqual([
			"Claims it cannot access the contacts",
			"Claims it cannot open files",
			"Says it can only respond in English",
			"Says it is not allowed to book hotels",
		]);
		expect(names[1]!.description).toBe("The assistant says it cannot open files.");
	});

	it("turn the user's things into 'the' in titles and 'the user's' in descriptions", () => {
		const one = nameIssue("refusal", { texts: ["I cannot read your emails or messages at the moment."] });
		expect(one.title).toBe("Claims it cannot read the emails or messages");
		expect(one.description).toBe("The assistant says it cannot read the user's emails or messages.");
	});

	it("fall back to what was asked about when the refusal names nothing", () => {
		const name = nameIssue("refusal", {
			texts: ["As a policy matter this is off limits.", "This is something outside what is possible here."],
			keywords: ["weapons", "explosives"],
		});
		expect(name.title).toBe("Declines requests about weapons and explosives");
	});
});

describe("issue names: tools, dates, laziness, forgetting", () => {
	it("say which tool fails and how", () => {
		const titles = nameIssues("tool_failure", [
			{
				texts: [
					"search_flights: 504 Gateway Timeout: flights provider did not answer in 10s",
					"search_flights: 504 Gateway Timeout: flights provider did not answer in 10s",
					"search_flights: ETIMEDOUT",
				],
			},
			{ texts: ["get_weather: 401 Unauthorized: invalid API key", "get_weather: 401 Unauthorized"] },
			{ texts: ["book_hotel: 500 Internal Server Error", "book_hotel: 500 Internal Server Error"] },
			{ texts: ["createCalendarEvent: 429 Too Many Requests"] },
			{ texts: ["convert_currency: something odd happened"] },
		]).map((n) => n.title);
		expect(titles).toEqual([
			"Flight search tool times out",
			"Weather lookup tool is refused access",
			"Hotel booking tool returns 500 errors",
			"Calendar event creation tool hits rate limits",
			"Currency conversion tool fails",
		]);
		expect(toolLabel("calendar.list_events")).toBe("Calendar event listing");
		expect(toolLabel("weather")).toBe("Weather");
	});

	it("name a tool loop and quote the error of a failure", () => {
		expect(nameIssue("tool_loop", { texts: ["search_flights called 3× with 3 errors", "search_flights called 4× with 4 errors"] }).title).toBe(
			"Keeps retrying the failing flight search",
		);
		expect(nameIssue("tool_failure", { texts: ["search_flights: 504 Gateway Timeout"], count: 3, firstSeen: NOV_18 }, [], NOW).description).toBe(
			'The search_flights tool fails with "504 Gateway Timeout", in 3 failed calls since Nov 18.',
		);
	});

	it("say which year a stale date is from, or that users say the date is wrong", () => {
		const stale = ["Today is March 3, 2024.", "It's Monday, January 8, 2024.", "Today is June 12, 2024, so your trip is in 18 days."];
		expect(nameIssue("wrong_date", { texts: stale }).title).toBe("Gives a 2024 date as today");
		expect(
			nameIssue("wrong_date", { texts: ["We're in the year 2023, so that event has not happened yet.", "As of today, 2023 is the current year."] }).title,
		).toBe("Says the current year is 2023");
		expect(nameIssue("wrong_date", { texts: ["That date is wrong, it's not 2024", "The date you gave is wrong", "wrong date again"] }).title).toBe(
			"Users say the date is wrong",
		);
	});

	it("name laziness and forgetting by what is left out or asked again", () => {
		expect(nameIssue("laziness", { texts: ["Day 1: arrive in Rome and walk the old town. You can fill in the rest of the days in the same way."] }).title).toBe(
			"Leaves the rest of the days to the user",
		);
		expect(nameIssue("laziness", { texts: ["def parse(x):\n    # TODO: implement the rest", "function f() { // your code here }"] }).title).toBe(
			"Leaves placeholders instead of code",
		);
		expect(
			nameIssue("forgetting", { texts: ["Sure! What's your destination?", "Could you tell me your destination?", "Great, and what's your destination?"] })
				.title,
		).toBe("Asks again for the user's destination");
		expect(nameIssue("forgetting", { texts: ["I already told you my name", "I already gave you my name!", "i told you my name twice"] }).title).toBe(
			"Users say they already gave their name",
		);
	});
});

describe("issue names: user frustration", () => {
	it("name corrections by what is corrected, whichever word users use", () => {
		const travellers = ["No, I said 4 people", "No, I said 3 travellers, not 2", "It's 2 adults, not 3!", "no i said 5 people"];
		const name = nameIssue("user_frustration", { texts: travellers, count: 12, firstSeen: NOV_18 }, [], NOW);
		expect(name.title).toBe("Users correct the number of people");
		expect(name.description).toBe('Users correct the number of people the assistant got wrong (e.g. "No, I said 4 people"), in 12 messages since Nov 18.');
		expect(nameIssue("user_frustration", { texts: ["No, I said March 12th", "I said the 14th, not the 15th", "No, it's Friday the 3rd"] }).title).toBe(
			"Users correct the dates",
		);
		expect(nameIssue("user_frustration", { texts: ["No, I said to Lisbon", "No, I meant Porto, not Lisbon", "No I said Rome"] }).title).toBe(
			"Users correct the destination",
		);
	});

	it("name rejections by what users say about the answer", () => {
		const titles = nameIssues("user_frustration", [
			{ texts: ["That's not what I asked for.", "this is not what I asked for", "Not what I wanted at all"] },
			{ texts: ["Ugh, this is useless.", "You're useless", "useless answer again"] },
			{ texts: ["The price is wrong", "that price is wrong, it says 89 on the site", "wrong price again"] },
			{ texts: ["Still waiting…", "Hello? Any flights?", "Did you find anything?"] },
			{ texts: ["Bitte auf Deutsch, ich spreche kein Englisch!", "¡Por favor en español, no hablo inglés!"] },
		]).map((n) => n.title);
		expect(titles).toEqual([
			"Users say it's not what they asked for",
			"Users call it useless",
			"Users say the price is wrong",
			"Users are left waiting for results",
			"Users ask for replies in their own language",
		]);
	});
});

describe("issue names are unique within a signal", () => {
	it("add the distinguishing detail, never a number, when two would collide", () => {
		const work = ["I can't access your work calendar.", "I'm sorry, I can't access your work calendar in Outlook.", "I cannot access your work calendar."];
		const shared = ["I can't access your shared calendar.", "Sorry, I can't access the shared family calendar.", "I cannot access your shared calendar."];
		const names = nameIssues("refusal", [
			{ texts: CALENDAR_REFUSALS, keywords: ["calendar", "schedule"] },
			{ texts: work, keywords: ["work", "outlook"] },
			{ texts: shared, keywords: ["shared", "family"] },
		]);
		const titles = names.map((n) => n.title);
		expect(new Set(titles).size).toBe(3);
		expect(titles[0]).toBe("Claims it cannot access the calendar");
		expect(titles[1]).toBe("Claims it cannot access the work calendar");
		expect(titles[2]).toBe("Claims it cannot access the shared calendar");
		for (const t of titles) expect(t).not.toMatch(/\(\d+\)/);
	});

	it("keep the wording and add a keyword or the start date when the phrasing is the same", () => {
		const a = { texts: CALENDAR_REFUSALS, keywords: ["meetings"], firstSeen: NOV_18 };
		const b = { texts: CALENDAR_REFUSALS, keywords: ["reminders"], firstSeen: NOV_18 + 86_400_000 };
		const titles = nameIssues("refusal", [a, b], [], NOW).map((n) => n.title);
		expect(titles).toEqual(["Claims it cannot access the calendar", "Claims it cannot access the calendar (reminders)"]);
		const again = nameIssue(
			"refusal",
			{ texts: CALENDAR_REFUSALS, firstSeen: NOV_18 },
			["Claims it cannot access the calendar", "claims it cannot access the calendar (Nov 18)"],
			NOW,
		);
		expect(again.title).toBe("Claims it cannot access the calendar (since Nov 18)");
		const tools = nameIssues("tool_failure", [
			{ texts: ["search_flights: 504 Gateway Timeout"] },
			{ texts: ["search_flights: request timed out after 30s"], keywords: ["30s", "request"] },
		]).map((n) => n.title);
		expect(tools).toEqual(["Flight search tool times out", "Flight search tool times out (request)"]);
	});
});

describe("issue names: unique in the project", () => {
	const TAKEN = "Claims it cannot access the calendar";

	it("tell a same-named issue apart by what its users were doing, from the intent most of them came with", () => {
		const named = nameIssue("refusal", { texts: CALENDAR_REFUSALS, intent: "Book a room", keywords: ["meetings"], firstSeen: NOV_18 }, [TAKEN], NOW);
		expect(named.title).toBe("Claims it cannot access the calendar while booking a room");
		// The same intent taken too: the intent with the keyword, and never a number.
		const again = nameIssue(
			"refusal",
			{ texts: CALENDAR_REFUSALS, intent: "Book a room", keywords: ["meetings"], firstSeen: NOV_18 },
			[TAKEN, named.title, `${TAKEN} (meetings)`],
			NOW,
		);
		expect(again.title).toBe("Claims it cannot access the calendar while booking a room (meetings)");
	});

	it("compare with titles taken by any signal, ignoring case", () => {
		const named = nameIssue("refusal", { texts: CALENDAR_REFUSALS, keywords: ["meetings"] }, [TAKEN.toUpperCase()], NOW);
		expect(named.title).toBe(`${TAKEN} (meetings)`);
	});

	it("ignore an intent that does not read as an action (a template in another language) and fall back to a keyword", () => {
		const named = nameIssue("refusal", { texts: CALENDAR_REFUSALS, intent: "¿Puedes reservar un hotel en Madrid?", keywords: ["meetings"] }, [TAKEN], NOW);
		expect(named.title).toBe(`${TAKEN} (meetings)`);
	});

	it("reach for the minute of the first event before ever numbering a title", () => {
		const cluster = { texts: ["I can't access your calendar."], firstSeen: Date.UTC(2026, 10, 18, 14, 5) };
		const taken = [TAKEN, `${TAKEN} (since Nov 18)`, `${TAKEN} (access)`, `${TAKEN} (calendar)`];
		const named = nameIssue("refusal", cluster, taken, NOW);
		expect(named.title).toBe(`${TAKEN} (first seen Nov 18, 14:05 UTC)`);
		expect(named.title).not.toMatch(/\(\d+\)$/);
	});

	it("put intents in the -ing form", () => {
		expect(
			["Book a room", "Write an itinerary", "Get today's date", "Plan a trip", "Open the file", "See my bookings", "Text a contact", "Schedule a call"].map(
				whileDoing,
			),
		).toEqual([
			"while booking a room",
			"while writing an itinerary",
			"while getting today's date",
			"while planning a trip",
			"while opening the file",
			"while seeing my bookings",
			"while texting a contact",
			"while scheduling a call",
		]);
		expect(whileDoing("Flights")).toBeNull();
		expect(whileDoing("Book")).toBeNull();
	});
});

describe("issueTitle and issueDescription (callers that pass only the central example)", () => {
	it("name a refusal, a tool failure and a stale date from the central example alone", () => {
		expect(
			issueTitle(
				["calendar", "events"],
				"I understand why you'd want that. Unfortunately I'm not able to view or change your calendar events. Anything else?",
				80,
				signalVocabulary("refusal"),
			),
		).toBe("Claims it cannot view or change the calendar events");
		expect(
			issueTitle(["flights"], "search_flights: 504 Gateway Timeout: flights provider did not answer in 10s", undefined, signalVocabulary("tool_failure")),
		).toBe("Flight search tool times out");
		expect(issueTitle([], "Today is March 3, 2024.", undefined, signalVocabulary("wrong_date"))).toBe("Gives a 2024 date as today");
		expect(issueDescription(["flights", "504"], "search_flights: 504 Gateway Timeout")).toBe('The search_flights tool fails with "504 Gateway Timeout".');
	});

	it("read the signal from its vocabulary", () => {
		const central =
			"Day 1: arrive in Rome, walk the old town and have dinner by the river. Day 2: museums. You can fill in the rest of the days in the same way.";
		expect(issueTitle(["rome", "day", "river"], central, 80, signalVocabulary("laziness"))).toBe("Leaves the rest of the days to the user");
		expect(issueTitle(["people"], "No, I said 4 people", 80, signalVocabulary("user_frustration"))).toBe("Users correct the number of people");
	});

	it("quote a custom signal's central sentence, trimmed at a word", () => {
		expect(issueTitle(["acme"], "We recommend Acme Corp for this. Globex is also fine.", 80, new Set())).toBe("We recommend Acme Corp for this.");
		const title = issueTitle(["zebra"], "Here is a very long answer that keeps going and going well past the length a title in a list can show comfortably.");
		expect(title.length).toBeLessThanOrEqual(80);
		expect(title.endsWith("…")).toBe(true);
		expect(issueDescription(["acme"], "We recommend Acme Corp for this.")).toBe("acme: We recommend Acme Corp for this.");
	});
});

describe("intent names", () => {
	const HOTELS = [
		"Can you book me a hotel in Lisbon?",
		"Book a hotel in Rome for 3 nights",
		"book a hotel in Kyoto for 4 nights please",
		"I need a hotel in Porto from the 12th to the 15th",
		"Please find me a quiet hotel near the old town in Vienna",
	];
	const FLIGHTS = [
		"Find me a flight to Lisbon next Friday",
		"Cheapest flights to Rome in March?",
		"find a flight to Berlin on Monday",
		"Any direct flights from London to Oslo tomorrow?",
		"Could you find a flight to Porto?",
	];
	const CALENDAR = [
		"What's on my calendar tomorrow?",
		"Check my calendar events for Friday",
		"what's on my calendar this week",
		"Can you check my calendar for next Tuesday?",
	];
	const WEATHER = [
		"What's the weather in Rome this weekend?",
		"Will it rain in Oslo tomorrow?",
		"weather forecast for Kyoto on Friday",
		"Is it going to be sunny in Lisbon on Saturday?",
	];
	const REFUNDS = [
		"I want a refund for my order",
		"Can I get a refund for this purchase?",
		"refund my last payment please",
		"How do I get a refund for a cancelled flight?",
	];
	const CURRENCY = ["How much is 100 euros in yen?", "Convert 50 dollars to euros", "how much is 20 pounds in dollars"];

	it("are the imperative of what users ask for, without politeness or values", () => {
		expect(intentName(HOTELS)).toBe("Book a hotel");
		expect(intentName(FLIGHTS)).toBe("Find a flight");
		expect(intentName(CALENDAR)).toBe("Check calendar");
		expect(intentName(WEATHER)).toBe("Get weather forecast");
		expect(intentName(REFUNDS)).toBe("Get a refund");
		expect(intentName(CURRENCY)).toBe("Convert currency");
		expect(intentName(["Text Maria that I'm landing at 6", "Text Tom that I'm late", "text Omar that we're here"])).toBe("Text a contact");
		expect(intentName(["Write a 3-day itinerary for Rome", "Write a 5-day itinerary for Kyoto", "write a 4-day itinerary for Oslo please"])).toBe(
			"Write an itinerary",
		);
		expect(intentName(["Add my flight to my calendar", "add the hotel booking to my calendar", "Add my train to my calendar"])).toBe("Add to calendar");
	});

	it("use 'Manage' when many actions share one thing", () => {
		expect(
			intentName([
				"Add my flight to my calendar",
				"Move my 3pm meeting to Friday",
				"What's on my calendar tomorrow?",
				"Block Saturday for the trip in my calendar",
				"Schedule a call with Tom next Tuesday",
				"Clear my calendar on Monday",
			]),
		).toBe("Manage calendar");
	});

	it("are 2-6 words and unique in a batch", () => {
		const names = nameIntents([
			{ texts: HOTELS },
			{ texts: FLIGHTS },
			{ texts: CALENDAR },
			{ texts: WEATHER },
			{ texts: REFUNDS },
			{ texts: ["Book a hotel room in Rome", "book a hotel in Oslo", "Book a hotel near the station"], keywords: ["station", "room"] },
		]);
		expect(new Set(names).size).toBe(names.length);
		for (const n of names) expect(n!.split(" ").length).toBeGreaterThanOrEqual(2);
		for (const n of names) expect(n!.split(" ").length).toBeLessThanOrEqual(7);
		expect(names[5]).toBe("Book a hotel room");
	});

	it("leave requests in other languages to the template", () => {
		const german = ["Kannst du ein Hotel in Berlin buchen?", "Kannst du ein Hotel in Wien buchen?", "Kannst du ein Hotel in Rom buchen?"];
		expect(intentName(german)).toBeNull();
		expect(templateTitle(["hotel"], german[0]!, german)).toBe("Kannst du ein Hotel in … buchen?");
		expect(templateTitle(["hotel", "book"], HOTELS[1]!, HOTELS)).toBe("Book a hotel");
		expect(
			textTemplate(["hotel", "book", "nights"], "Book a hotel in Lisbon for 3 nights", [
				"Book a hotel in Lisbon for 3 nights",
				"Book a hotel in Rome for 2 nights",
				"book a hotel in Kyoto for 4 nights please",
				"Book a hotel in Berlin for 5 nights",
			]),
		).toBe("Book a hotel in … for … nights");
	});

	it("describe an intent in one sentence", () => {
		expect(intentDescription("Book a hotel", { texts: HOTELS, central: HOTELS[1] })).toBe(
			'Users ask to book a hotel, e.g. "Book a hotel in Rome for 3 nights" (5 requests).',
		);
		expect(intentDescription("Say thanks", { texts: ["Thanks!"], count: 40 })).toBe('Users say thanks, e.g. "Thanks!" (40 requests).');
	});
});

describe("naming never crashes", () => {
	it("on other languages, emoji, code, empty and huge members", () => {
		for (const signal of [
			"refusal",
			"tool_failure",
			"tool_loop",
			"wrong_date",
			"user_frustration",
			"laziness",
			"forgetting",
			"excessive_apology",
			"jailbreak",
			"nsfw",
			"my_custom_signal",
		]) {
			const names = nameIssues(signal, [{ texts: odd }, { texts: [] }, { texts: ["", ""], central: "" }, { texts: odd.slice(2, 5), keywords: ["", "🙂"] }]);
			expect(names).toHaveLength(4);
			for (const n of names) {
				expect(typeof n.title).toBe("string");
				expect(n.title.trim().length).toBeGreaterThan(0);
				expect(n.title.length).toBeLessThanOrEqual(90);
				expect(n.description.length).toBeLessThanOrEqual(300);
			}
			expect(new Set(names.map((n) => n.title)).size).toBe(4);
		}
		expect(() => nameIntents([{ texts: odd }, { texts: [] }, { texts: ["🙂", "🙂🙂", "👍"] }])).not.toThrow();
		expect(() => templateTitle([], "", [])).not.toThrow();
		for (const t of odd) {
			expect(() => issueTitle([], t)).not.toThrow();
			expect(() => issueDescription([], t)).not.toThrow();
			expect(() => intentName([t, t, t])).not.toThrow();
		}
	});
});

describe("mixed complaints", () => {
	const MIXED = [
		"That's not what I asked for.",
		"Why can't you do this? It worked last week!",
		"Ugh, this is useless.",
		"No, that's wrong, I already told you what I need.",
	];
	it("get one umbrella name when no kind of complaint dominates", () => {
		expect(nameIssue("user_frustration", { texts: MIXED }).title).toBe("Users reject the answers");
		expect(intentName(MIXED)).toBe("Complain about an answer");
		expect(
			nameIssue("user_frustration", { texts: ["That's not what I asked for.", "not what I asked for!!", "this is not what I wanted", "Ugh, this is useless."] })
				.title,
		).toBe("Users say it's not what they asked for");
	});
});

describe("intentDescription in other languages", () => {
	it("describes a cluster it cannot read as a request by its inputs, not as 'Users ask to …'", () => {
		const texts = ["¿Qué tiempo hará mañana en Lisboa?", "¿Qué tiempo hará mañana en Madrid?", "¿Qué tiempo hará mañana en Roma?"];
		const d = intentDescription(texts[0]!, { texts, central: texts[0] });
		expect(d).toMatch(/^Requests like/);
		expect(d).toContain("3 requests");
		expect(intentDescription("Book a hotel", { texts: ["Book a hotel in Lisbon", "Book a hotel in Porto"] })).toMatch(/^Users ask to book a hotel/);
	});
});
