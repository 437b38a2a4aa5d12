/** Local one-URL front: the same curl and SDK examples work against localhost and production routes. */
export default {
	async fetch(request, env) {
		// Local development only (never deployed), so /__cron needs no key. Workers behind it learn the
		// URL the dashboard is served at (PORT may differ from 8787), for links in local alerts.
		const url = new URL(request.url);
		const origin = { "x-dashboard-url": url.origin };
		if (url.pathname === "/v1" || url.pathname.startsWith("/v1/")) return env.INGEST.fetch(request);
		// /mcp: the api worker's MCP server, so an assistant connects to the same URL as the dashboard.
		if (url.pathname === "/api" || url.pathname.startsWith("/api/") || url.pathname === "/mcp" || url.pathname.startsWith("/mcp/")) {
			const forwarded = new Request(request);
			forwarded.headers.set("x-dashboard-url", url.origin);
			return env.API.fetch(forwarded);
		}
		if (url.pathname === "/__recover-queue" && request.method === "POST")
			return env.DETECT.fetch("https://detect.internal/internal/recover-queue", { method: "POST" });
		if (url.pathname === "/__cron" && request.method === "POST")
			return env.DETECT.fetch("https://detect.internal/internal/cron", { method: "POST", headers: origin });
		return new Response("Not found", { status: 404 });
	},
} satisfies ExportedHandler<DevGatewayEnv>;
