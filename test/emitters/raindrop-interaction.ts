import { createServer } from "node:http";
import OpenAI from "openai";
import { Raindrop } from "raindrop-ai";

/**
 * One interaction through the real raindrop-ai SDK, unchanged but for its endpoint and key, as an app on
 * Raindrop would send it: begin(), two tool calls (one failing), an instrumented OpenAI call (a fake OpenAI
 * server on loopback), finish(). Usage: tsx test/emitters/raindrop-interaction.ts <base url> <write key> <event id> <user> [--bypass-otel-for-tools]
 */
const [base, key, eventId, user, ...flags] = process.argv.slice(2);
if (!base || !key || !eventId || !user) {
	console.error("usage: raindrop-interaction.ts <base url> <write key> <event id> <user> [--bypass-otel-for-tools]");
	process.exit(2);
}
const openaiServer = createServer((req, res) => {
	req.resume();
	req.on("end", () => {
		res.writeHead(200, { "content-type": "application/json" });
		res.end(
			JSON.stringify({
				id: "chatcmpl-1",
				object: "chat.completion",
				created: Math.floor(Date.now() / 1000),
				model: "gpt-4o-2024-08-06",
				choices: [{ index: 0, message: { role: "assistant", content: "Your flight to Rome is booked." }, finish_reason: "stop" }],
				usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
			}),
		);
	});
});
await new Promise<void>((r) => openaiServer.listen(0, "127.0.0.1", r));
const openaiUrl = `http://127.0.0.1:${(openaiServer.address() as { port: number }).port}`;

const rd = new Raindrop({
	writeKey: key,
	endpoint: `${base}/v1/raindrop/`,
	bypassOtelForTools: flags.includes("--bypass-otel-for-tools"),
	instrumentModules: { openAI: OpenAI },
});
const openai = new OpenAI({ apiKey: "sk-test", baseURL: openaiUrl });
const interaction = rd.begin({ eventId, userId: user, event: "agent", input: "Book a flight to Rome", convoId: `c_${user}` });
interaction.trackTool({ name: "search_flights", input: { to: "Rome" }, error: new Error("504 Gateway Timeout"), durationMs: 120 });
interaction.trackTool({ name: "book_flight", input: { flight: "AZ 611" }, output: { ok: true }, durationMs: 40 });
const completion = await interaction.withSpan({ name: "llm_completion", kind: "llm" } as never, () =>
	openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Book a flight to Rome" }] }),
);
await interaction.finish({ output: completion.choices[0]!.message.content ?? "" });
await rd.close();
openaiServer.close();
// The SDK's exporters may still be sending after close() resolves; an app's process lives on.
await new Promise((r) => setTimeout(r, 1500));
process.exit(0);
