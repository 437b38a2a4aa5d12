import { Hono } from "hono";
import { cors } from "hono/cors";
import { RATE_LIMITS } from "#core/limits";
import { onApiError, onNotFound } from "#shared/http/api-error";
import { requireKey } from "#shared/http/api-key-auth";
import { limitPerKey } from "#shared/http/rate-limit";
import type { IngestContext } from "./ingest-env";
import { limitQueueBacklog } from "./queue-backlog";
import { eventRoutes } from "./routes/events";
import { raindropRoutes } from "./routes/raindrop";
import { signalRoutes } from "./routes/signals";
import { traceRoutes } from "./routes/traces";
import { userRoutes } from "./routes/users";

const app = new Hono<IngestContext>();

// Browser apps send events directly; keys travel in a header, never a cookie, so any origin may call.
app.use(
	"/v1/*",
	cors({ origin: "*", allowHeaders: ["Authorization", "Content-Type"], allowMethods: ["POST", "OPTIONS"], exposeHeaders: ["Retry-After"], maxAge: 86400 }),
);
app.get("/v1/health", (c) => c.json({ ok: true, service: "ingest" }));
app.use("/v1/*", requireKey("write"));
// Before any route reads the body, so a refused request enqueues nothing.
app.use("/v1/*", limitPerKey("WRITE_RATE_LIMITER", RATE_LIMITS.writes));
app.use("/v1/*", limitQueueBacklog);
app.route("/v1/events", eventRoutes);
app.route("/v1/signals", signalRoutes);
app.route("/v1/users", userRoutes);
app.route("/v1/traces", traceRoutes);
// The raindrop-ai SDK, unchanged, with `endpoint` set here (README "Switching from Raindrop").
app.route("/v1/raindrop", raindropRoutes);
app.onError(onApiError);
app.notFound(onNotFound);

export default app satisfies ExportedHandler<IngestContext["Bindings"]>;
