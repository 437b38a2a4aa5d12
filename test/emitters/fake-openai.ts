import { createServer, type Server } from "node:http";

/**
 * An OpenAI-compatible chat completions server on loopback: the real `openai` client talks to it, so
 * instrumentations see real requests and responses. A request that offers tools (and has no tool result
 * yet) gets a tool call; then the answer.
 */
export const FAKE_ANSWER = "I'm sorry, but I can't access your contacts.";
export const FAKE_MODEL = "gpt-4o-mini-2024-07-18";

export async function startFakeOpenAi(): Promise<{ url: string; server: Server; requests: unknown[] }> {
	const requests: unknown[] = [];
	const server = createServer((req, res) => {
		let body = "";
		req.on("data", (c) => (body += c));
		req.on("end", () => {
			const request = JSON.parse(body || "{}") as { messages?: { role: string }[]; tools?: unknown[] };
			requests.push(request);
			const askTool = !!request.tools?.length && request.messages?.at(-1)?.role !== "tool";
			const message = askTool
				? {
						role: "assistant",
						content: null,
						tool_calls: [{ id: "call_lookup_1", type: "function", function: { name: "lookup_contacts", arguments: '{"query":"Ana"}' } }],
					}
				: { role: "assistant", content: FAKE_ANSWER };
			res.writeHead(200, { "content-type": "application/json" });
			res.end(
				JSON.stringify({
					id: `chatcmpl-${requests.length}`,
					object: "chat.completion",
					created: Math.floor(Date.now() / 1000),
					model: FAKE_MODEL,
					choices: [{ index: 0, message, finish_reason: askTool ? "tool_calls" : "stop" }],
					usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
				}),
			);
		});
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const { port } = server.address() as { port: number };
	return { url: `http://127.0.0.1:${port}/v1`, server, requests };
}
