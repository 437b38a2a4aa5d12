import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
	method: string;
	url: string;
	auth: string;
	body: string;
}

/**
 * A stand-in Barometer instance for CLI tests: records each request and answers with what
 * `reply` returns for it. `close()` it after the test.
 */
export async function fakeInstance(
	reply: (req: IncomingMessage, body: string, seen: SeenRequest[]) => [number, unknown],
): Promise<{ url: string; seen: SeenRequest[]; server: Server }> {
	const seen: SeenRequest[] = [];
	const server = createServer(async (req, res) => {
		let body = "";
		for await (const chunk of req) body += chunk;
		seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization ?? "", body });
		const [status, json] = reply(req, body, seen);
		res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}
