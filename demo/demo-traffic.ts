/**
 * A generated month of traffic from "Trailmate", a fictional AI travel and personal assistant,
 * with planted failure modes the dashboard should surface:
 *  1. a model upgrade (assistant-2026-11, from day 18) that refuses calendar requests;
 *  2. the flight-search tool failing in a loop (504s) from day 22;
 *  3. a date bug (answers with a 2024 date) until prompt v12 ships on day 12, which comes back
 *     after the issue is resolved (regressed);
 *  4. users writing in Spanish or German, which the English-only prompt turns away.
 * Seeded: the same seed gives the same traffic, relative to `now`.
 */

export interface DemoEvent {
	event_id: string;
	timestamp: number;
	user_id: string;
	convo_id: string;
	event: string;
	model: string;
	input: string;
	output: string;
	properties: Record<string, string>;
	tool_calls: { name: string; input: unknown; output?: unknown; error?: string; duration_ms: number }[];
}

export interface DemoSignal {
	event_id: string;
	signal: string;
	user_id: string;
	timestamp: number;
	comment?: string;
}

export interface DemoUser {
	user_id: string;
	traits: Record<string, string>;
}

export interface DemoTraffic {
	events: DemoEvent[];
	signals: DemoSignal[];
	users: DemoUser[];
	/** Date-bug events sent after the issue is resolved, with timestamps near `now`. */
	regression: DemoEvent[];
}

const DAY = 86_400_000;
/** Stands for the event's own date in a turn's output: a turn is written before its timestamp is drawn. */
const TODAY = "{today}";
const OLD_MODEL = "assistant-2026-08";
const NEW_MODEL = "assistant-2026-11";

type Turn = { input: string; output: string; tool?: DemoEvent["tool_calls"][number] };

interface Scenario {
	intent: string;
	weight: number;
	turn: (ctx: Ctx) => Turn[];
}

interface Ctx {
	day: number;
	model: string;
	prompt: string;
	rnd: () => number;
	pick: <T>(xs: readonly T[]) => T;
	lang: "en" | "es" | "de";
}

const CITIES = ["Lisbon", "Rome", "Berlin", "Kyoto", "Oslo", "Mexico City", "Cape Town", "Vancouver", "Porto", "Vienna"];
const NAMES = ["Maria", "Tom", "Aisha", "Kenji", "Lena", "Omar", "Sofia", "Lucas"];

const SCENARIOS: Scenario[] = [
	{
		intent: "flight search",
		weight: 9,
		turn: ({ day, pick, rnd }) => {
			const city = pick(CITIES);
			const input = pick([
				`Find me a flight to ${city} next Friday`,
				`Cheapest flights to ${city} in March?`,
				`Any direct flights from London to ${city} tomorrow?`,
				`Search return flights to ${city} for two adults`,
			]);
			if (day >= 22 && rnd() < 0.55) {
				// The provider times out; the agent retries the same tool again and again.
				const tries = 2 + Math.floor(rnd() * 3);
				return Array.from({ length: tries }, (_, k) => ({
					input: k === 0 ? input : pick(["Still waiting…", "Did you find anything?", "Hello? Any flights?", "Try again please"]),
					output: pick(["Let me search flights for you.", "Searching again, one moment.", "Let me try the search once more."]),
					tool: {
						name: "search_flights",
						input: { destination: city },
						error: "504 Gateway Timeout: flights provider did not answer in 10s",
						duration_ms: 10_000,
					},
				}));
			}
			return [
				{
					input,
					output: `I found 3 options to ${city}: a direct flight at 08:40 for €132, one stop at 11:15 for €98, and an evening flight at 19:05 for €145.`,
					tool: { name: "search_flights", input: { destination: city }, output: { results: 3 }, duration_ms: 900 + Math.floor(rnd() * 600) },
				},
			];
		},
	},
	{
		intent: "hotel booking",
		weight: 7,
		turn: ({ pick }) => {
			const city = pick(CITIES);
			return [
				{
					input: pick([
						`Book a hotel in ${city} for 3 nights`,
						`Find a quiet hotel near the old town in ${city}`,
						`I need a room in ${city} from the 12th to the 15th`,
					]),
					output: `Here are three hotels in ${city} with free cancellation: Casa Azul (4.6★, €110/night), Hotel Norte (4.3★, €89/night) and The Quay (4.8★, €165/night). Shall I book one?`,
				},
			];
		},
	},
	{
		intent: "calendar",
		weight: 7,
		turn: ({ model, pick, rnd }) => {
			const input = pick([
				"Add my flight to my calendar",
				"Move my 3pm meeting to Friday",
				"What's on my calendar tomorrow?",
				"Block Saturday for the trip in my calendar",
				"Schedule a call with Tom next Tuesday",
			]);
			// The new model was tuned more cautiously and turns down calendar access.
			if (model === NEW_MODEL && rnd() < 0.7) {
				return [
					{
						input,
						output: pick([
							"I'm sorry, but I can't access your calendar.",
							"Unfortunately I'm not able to view or change your calendar events.",
							"I can't make changes to your calendar, sorry.",
							"I don't have access to your calendar, so I can't schedule that.",
						]),
					},
				];
			}
			return [
				{
					input,
					output: pick([
						"Done: I added it to your calendar for Friday at 3 pm.",
						"Tomorrow you have a dentist appointment at 9:30 and a team call at 14:00.",
						"Saturday is now blocked as 'Trip'.",
						"Scheduled: call with Tom, Tuesday 10:00.",
					]),
				},
			];
		},
	},
	{
		intent: "messaging contacts",
		weight: 4,
		turn: ({ pick }) => {
			const name = pick(NAMES);
			return [
				{
					input: pick([`Text ${name} that I'm landing at 6`, `Send my itinerary to ${name}`, `Share my hotel address with ${name}`]),
					output: `Sent to ${name}: "Landing at 6pm, see you at arrivals!"`,
				},
			];
		},
	},
	{
		intent: "itinerary writing",
		weight: 6,
		turn: ({ pick, rnd }) => {
			const city = pick(CITIES);
			const days = 3 + Math.floor(rnd() * 4);
			const input = `Write a ${days}-day itinerary for ${city}`;
			if (rnd() < 0.2)
				return [
					{
						input,
						output: `Day 1: arrive in ${city}, walk the old town and have dinner by the river. Day 2: museums in the morning. ... You can fill in the rest of the days in the same way.`,
					},
				];
			return [
				{
					input,
					output: Array.from(
						{ length: days },
						(_, d) =>
							`Day ${d + 1}: ${pick(["morning walking tour", "market and street food", "day trip to the coast", "museum quarter", "hike to the viewpoint"])}, then ${pick(["a long lunch", "a cooking class", "sunset drinks", "a concert"])}.`,
					).join("\n"),
				},
			];
		},
	},
	{
		intent: "date questions",
		weight: 3,
		turn: ({ prompt, pick }) => {
			const input = pick(["What's today's date?", "How many days until my trip on the 30th?", "What day of the week is it today?"]);
			// The v11 prompt carried a stale "current date"; v12 (day 12) fixed it.
			if (prompt === "v11")
				return [{ input, output: pick(["Today is March 3, 2024.", "It's Monday, January 8, 2024.", "Today is June 12, 2024, so your trip is in 18 days."]) }];
			// The right answer names the event's own UTC date, filled in when the turn gets its timestamp.
			return [{ input, output: `Today is ${TODAY}.` }];
		},
	},
	{
		intent: "currency and weather",
		weight: 5,
		turn: ({ pick }) => {
			const city = pick(CITIES);
			return [
				{
					input: pick([`What's the weather in ${city} this weekend?`, `How much is 100 euros in yen?`, `Will it rain in ${city} tomorrow?`]),
					output: pick([
						"Sunny, 24°C on Saturday and 21°C with light showers on Sunday.",
						"100 EUR is about 16,400 JPY today.",
						"Light rain in the afternoon; take an umbrella.",
					]),
				},
			];
		},
	},
	{
		intent: "other language",
		weight: 2,
		turn: ({ lang, pick }) => {
			const input =
				lang === "de"
					? pick(["Kannst du ein Hotel in Berlin buchen?", "Wie wird das Wetter morgen in Wien?", "Finde einen Flug nach Rom"])
					: pick(["¿Puedes reservar un hotel en Madrid?", "¿Qué tiempo hará mañana en Lisboa?", "Busca un vuelo a Roma por favor"]);
			return [
				{
					input,
					output: pick([
						"I'm sorry, but I can only help in English.",
						"Sorry, I can only respond in English. Could you rephrase your request in English?",
						"Unfortunately I can't help with requests that aren't in English.",
					]),
				},
				{
					input: lang === "de" ? "Bitte auf Deutsch, ich spreche kein Englisch!" : "¡Por favor en español, no hablo inglés!",
					output: "I'm sorry, I can only respond in English.",
				},
			];
		},
	},
];

const FOLLOW_UP_WIN = ["Thanks, that worked perfectly!", "Perfect, thank you so much!", "You're a lifesaver, thanks!", "Great, exactly what I needed."];
const FRUSTRATED = [
	"That's not what I asked for.",
	"Why can't you do this? It worked last week!",
	"Ugh, this is useless.",
	"No, that's wrong, I already told you what I need.",
];

export function generateDemo(opts: { seed?: number; now?: number; users?: number; days?: number } = {}): DemoTraffic {
	let s = opts.seed ?? 42;
	const rnd = () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32;
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
	const now = opts.now ?? Date.now();
	const days = opts.days ?? 30;
	const userCount = opts.users ?? 160;
	const start = now - days * DAY;
	const users: DemoUser[] = Array.from({ length: userCount }, (_, i) => ({
		user_id: `user_${String(i + 1).padStart(3, "0")}`,
		traits: { plan: pick(["free", "free", "plus", "business"]), country: i % 11 === 0 ? pick(["ES", "MX", "DE", "AT"]) : pick(["US", "GB", "CA", "AU", "IE"]) },
	}));
	const weights = SCENARIOS.flatMap((sc, i) => Array(sc.weight).fill(i) as number[]);
	const events: DemoEvent[] = [];
	const signals: DemoSignal[] = [];
	let convoSeq = 0;
	for (let day = 0; day < days; day++) {
		// Growing traffic: 40 conversations a day at the start, about 70 at the end.
		const conversations = Math.round((40 + (30 * day) / days) * (0.85 + rnd() * 0.3));
		for (let c = 0; c < conversations; c++) {
			const user = pick(users);
			const foreign =
				user.traits.country === "ES" || user.traits.country === "MX" ? "es" : user.traits.country === "DE" || user.traits.country === "AT" ? "de" : "en";
			const scenario = foreign !== "en" && rnd() < 0.6 ? SCENARIOS.find((x) => x.intent === "other language")! : SCENARIOS[pick(weights)]!;
			if (scenario.intent === "other language" && foreign === "en") continue;
			const model = day >= 18 && (day >= 21 || rnd() < 0.5) ? NEW_MODEL : OLD_MODEL;
			const prompt = day >= 12 ? "v12" : "v11";
			const ctx: Ctx = { day, model, prompt, rnd, pick, lang: foreign as Ctx["lang"] };
			const turns = scenario.turn(ctx);
			const convoId = `conv_${String(++convoSeq).padStart(5, "0")}`;
			let t = start + day * DAY + Math.floor(rnd() * (DAY - 3_600_000));
			const platform = pick(["ios", "android", "web", "web"]);
			const push = (turn: Turn) => {
				const e: DemoEvent = {
					event_id: `demo_${convoId}_${events.length}`,
					timestamp: t,
					user_id: user.user_id,
					convo_id: convoId,
					event: "chat_message",
					model,
					input: turn.input,
					output: turn.output.replace(TODAY, new Date(t).toUTCString().slice(0, 16)),
					properties: { prompt_version: prompt, platform, plan: user.traits.plan! },
					tool_calls: turn.tool ? [turn.tool] : [],
				};
				events.push(e);
				t += 20_000 + Math.floor(rnd() * 60_000);
				return e;
			};
			let last: DemoEvent | undefined;
			for (const turn of turns) last = push(turn);
			const failed = /sorry|can't|cannot|unable|not able|fill in the rest|2024/i.test(last!.output) || last!.tool_calls.some((x) => x.error);
			if (failed) {
				if (rnd() < 0.45) signals.push({ event_id: last!.event_id, signal: "thumbs_down", user_id: user.user_id, timestamp: t });
				else if (rnd() < 0.3) signals.push({ event_id: last!.event_id, signal: "regenerate", user_id: user.user_id, timestamp: t });
				if (rnd() < 0.35) push({ input: pick(FRUSTRATED), output: "I'm sorry for the trouble. Let me try again." });
			} else {
				if (rnd() < 0.15) signals.push({ event_id: last!.event_id, signal: "thumbs_up", user_id: user.user_id, timestamp: t });
				if (scenario.intent === "itinerary writing" && rnd() < 0.4)
					signals.push({ event_id: last!.event_id, signal: "copy", user_id: user.user_id, timestamp: t });
				if (rnd() < 0.12) push({ input: pick(FOLLOW_UP_WIN), output: "Happy to help! Have a great trip." });
			}
		}
	}
	// The date bug comes back on the new model after the fix was marked resolved.
	const regression: DemoEvent[] = Array.from({ length: 8 }, (_, i) => {
		const user = users[(i * 7) % users.length]!;
		return {
			event_id: `demo_regression_${i}`,
			timestamp: now - (8 - i) * 60_000,
			user_id: user.user_id,
			convo_id: `conv_regression_${i}`,
			event: "chat_message",
			model: NEW_MODEL,
			input: pick(["What's today's date?", "What day is it today?", "How many days until my trip on the 30th?"]),
			output: pick(["Today is March 3, 2024.", "It's Monday, January 8, 2024.", "Today is June 12, 2024, so your trip is in 18 days."]),
			properties: { prompt_version: "v12", platform: "web", plan: user.traits.plan! },
			tool_calls: [],
		};
	});
	return { events, signals, users, regression };
}
