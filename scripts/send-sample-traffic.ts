// `npm run sample-traffic [-- --url http://localhost:8787 --key <write key> --events 400]`: sends a
// seeded, varied day of traffic from a fictional assistant, with planted failure topics, to a
// running instance (without --url, the one `npm start` runs: scripts/local-instance.mjs). Same seed,
// same traffic.
import { parseArgs } from "node:util";
import { requireInstance, resolveInstanceUrl } from "./local-instance.mjs";

const { values } = parseArgs({
	options: {
		url: { type: "string" },
		key: { type: "string", default: "bm_write_localdev00000000000000000000" },
		events: { type: "string", default: "400" },
		seed: { type: "string", default: "7" },
	},
});
let s = Number(values.seed);
const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;

const TOPICS = {
	contacts: {
		weight: 6,
		input: ["Export my contacts to a CSV", "Can you sync my contacts with Google?", "Find Maria's phone number in my contacts", "Merge my duplicate contacts"],
		output: [
			"I'm sorry, but I can't access your contacts.",
			"Unfortunately I cannot read your contact list on this device.",
			"I don't have access to your address book.",
			"I can't open your contacts, sorry.",
		],
	},
	calendar: {
		weight: 5,
		input: ["Move my 3pm meeting to Friday", "What's on my calendar tomorrow?", "Book a meeting with Tom next week", "Cancel my dentist appointment"],
		output: [
			"I'm unable to access your calendar.",
			"Sorry, I cannot view or change your calendar events.",
			"I can't schedule meetings in your calendar.",
			"I am not able to open your calendar.",
		],
	},
	flights: {
		weight: 4,
		input: ["Find flights to Lisbon on Friday", "Search cheap flights from Berlin to Rome", "Any direct flights to NYC tomorrow?"],
		output: ["Let me check that for you.", "Searching for flights now.", "One moment while I look."],
		tool: { name: "search_flights", error: "502 Bad Gateway from provider" },
	},
	dates: {
		weight: 3,
		input: ["What's today's date?", "How many days until Christmas?", "What day is it today?"],
		output: ["Today is March 3, 2024.", "Today is June 12, 2023, so there are 196 days until Christmas.", "It's Monday, January 8, 2024."],
	},
	wins: {
		weight: 5,
		input: ["Thanks, that worked!", "Perfect, thank you so much", "You're a lifesaver, thanks"],
		output: ["Glad I could help!", "You're welcome!", "Happy to help."],
	},
	normal: {
		weight: 25,
		input: [
			"Summarize this article about interest rates",
			"Translate 'good evening' into French",
			"Write a short poem about the sea",
			"Give me a recipe for lentil soup",
			"How do I reset my password?",
			"Explain recursion simply",
		],
		output: [
			"Here is a short summary: rates rose by a quarter point.",
			"'Good evening' is 'bonsoir'.",
			"The sea hums low beneath the moon.",
			"Simmer lentils with onion, garlic and cumin for 25 minutes.",
			"Go to Settings, then Security, then Reset password.",
			"Recursion is a function calling itself on a smaller problem.",
		],
	},
} as const;

const entries = Object.entries(TOPICS).flatMap(([name, t]) => Array(t.weight).fill(name) as string[]);
const now = Date.now();
const n = Number(values.events);
const events = Array.from({ length: n }, (_, i) => {
	const topic = TOPICS[pick(entries) as keyof typeof TOPICS];
	const user = `user_${Math.floor(rnd() * 120)}`;
	const tool = "tool" in topic ? [{ name: topic.tool.name, input: { q: "x" }, error: topic.tool.error, duration_ms: 800 }] : [];
	return {
		event_id: `sample_${values.seed}_${i}`,
		timestamp: now - Math.floor(rnd() * 20 * 3_600_000),
		user_id: user,
		convo_id: `conv_${user}_${Math.floor(rnd() * 3)}`,
		event: "chat_message",
		model: rnd() < 0.6 ? "gpt-4o" : "claude-3-5-sonnet",
		input: pick(topic.input),
		output: pick(topic.output),
		properties: { plan: pick(["free", "pro", "team"]), platform: pick(["ios", "android", "web"]), prompt_version: pick(["v11", "v12"]) },
		tool_calls: tool,
	};
});

const { url } = await resolveInstanceUrl({ url: values.url });
await requireInstance(url);
let accepted = 0;
for (let i = 0; i < events.length; i += 100) {
	const res = await fetch(`${url}/v1/events`, {
		method: "POST",
		headers: { authorization: `Bearer ${values.key}`, "content-type": "application/json" },
		body: JSON.stringify({ events: events.slice(i, i + 100) }),
	});
	const body = (await res.json()) as { accepted?: number; error?: { message: string } };
	if (!res.ok && res.status !== 207) throw new Error(`POST /v1/events: ${res.status} ${body.error?.message}`);
	accepted += body.accepted ?? 0;
}
console.log(`sent ${events.length} events, ${accepted} accepted, to ${url}`);
