import { createServer, type Server } from "node:http";

/**
 * A local webhook receiver for alert tests: it records every request per path and answers by the
 * path's first segment after /hook/: `fail503-*` 503, `flaky2-*` 500 twice then 200, `gone-*` 410,
 * `redirect-*` 302 to the metadata address, `slow-*` after 3 s, anything else 200.
 * GET /received/<name> returns what /hook/<name> got.
 */
export interface ReceivedRequest {
	headers: Record<string, string>;
	body: string;
	at: number;
}

export function startWebhookReceiver(): Promise<{ url: string; server: Server }> {
	const received = new Map<string, ReceivedRequest[]>();
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const [, kind, name = ""] = (req.url ?? "").split("/");
			if (req.method === "GET" && kind === "received") {
				res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received.get(name) ?? []));
				return;
			}
			if (req.method !== "POST" || kind !== "hook") return void res.writeHead(404).end();
			const list = received.get(name) ?? [];
			list.push({
				headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
				body: Buffer.concat(chunks).toString("utf8"),
				at: Date.now(),
			});
			received.set(name, list);
			if (name.startsWith("fail503-")) res.writeHead(503).end("unavailable");
			else if (name.startsWith("flaky2-")) res.writeHead(list.length <= 2 ? 500 : 200).end();
			else if (name.startsWith("gone-")) res.writeHead(410).end("gone");
			else if (name.startsWith("redirect-")) res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
			else if (name.startsWith("slow-")) setTimeout(() => res.writeHead(200).end("ok"), 3000);
			else res.writeHead(200).end("ok");
		});
	});
	return new Promise((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })),
	);
}
