/** Local one-URL front: the same curl and SDK examples work against localhost and production routes. */
export default {
	async fetch(request, env) {
		// Local development only (never deployed), so /__cron needs no key.
		const { pathname } = new URL(request.url);
		if (pathname === "/v1" || pathname.startsWith("/v1/")) return env.INGEST.fetch(request);
		if (pathname === "/api" || pathname.startsWith("/api/")) return env.API.fetch(request);
		if (pathname === "/__cron" && request.method === "POST") return env.DETECT.fetch("https://detect.internal/internal/cron", { method: "POST" });
		return new Response("Not found", { status: 404 });
	},
} satisfies ExportedHandler<DevGatewayEnv>;
