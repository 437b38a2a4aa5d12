import { Hono } from "hono";
import { cors } from "hono/cors";
import { RATE_LIMITS } from "#core/limits";
import { onApiError, onNotFound } from "#shared/http/api-error";
import { requireKey } from "#shared/http/api-key-auth";
import { limitPerKey } from "#shared/http/rate-limit";
import { openApiDocument } from "#core/api/openapi";
import type { ApiContext } from "./api-env";
import { mcpRoutes } from "./assistant/mcp-server";
import { alertRoutes } from "./routes/alerts";
import { askRoutes } from "./routes/ask";
import { conversationRoutes } from "./routes/conversations";
import { eventRoutes } from "./routes/events";
import { intentRoutes } from "./routes/intents";
import { issueTeachingRoutes } from "./routes/issue-teaching";
import { issueRoutes } from "./routes/issues";
import { customSignalRoutes } from "./routes/custom-signals";
import { deepSearchRoutes } from "./routes/deep-searches";
import { deadLetterRoutes } from "./routes/dead-letters";
import { projectRoutes } from "./routes/project";
import { projectSettingsRoutes } from "./routes/project-settings";
import { signalRoutes } from "./routes/signals";
import { userRoutes } from "./routes/users";
import { jobRoutes } from "./routes/jobs";

const app = new Hono<ApiContext>();

// The dashboard may be served from another origin (Pages); keys are bearer headers, not cookies.
app.use(
	"/api/*",
	cors({
		origin: "*",
		allowHeaders: ["Authorization", "Content-Type"],
		allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
		exposeHeaders: ["Retry-After"],
		maxAge: 86400,
	}),
);
app.get("/api/health", (c) => c.json({ ok: true, service: "api" }));
// The API's description (OpenAPI 3.1, from core/api/routes.ts' zod schemas): public, it holds no data.
let openApi: ReturnType<typeof openApiDocument> | undefined;
app.get("/api/openapi.json", (c) => c.json((openApi ??= openApiDocument())));
// Reads accept read and admin keys; routes that change settings also check for admin.
app.use("/api/*", requireKey("read", "admin"));
app.use("/api/*", limitPerKey("READ_RATE_LIMITER", RATE_LIMITS.reads));
app.route("/api/project/settings", projectSettingsRoutes);
app.route("/api/project", projectRoutes);
app.route("/api/events", eventRoutes);
app.route("/api/conversations", conversationRoutes);
app.route("/api/signals", signalRoutes);
app.route("/api/custom-signals", customSignalRoutes);
app.route("/api/deep-searches", deepSearchRoutes);
app.route("/api/issues", issueRoutes);
app.route("/api/issues", issueTeachingRoutes);
app.route("/api/intents", intentRoutes);
app.route("/api/alerts", alertRoutes);
app.route("/api/dead-letters", deadLetterRoutes);
app.route("/api/users", userRoutes);
app.route("/api/jobs", jobRoutes);
// Ask: Workers AI answers a question with the same read tools, each call back through this app with the caller's key.
app.route(
	"/api/ask",
	askRoutes((request, c) => app.fetch(request, c.env, c.executionCtx)),
);
// The assistant's tools over MCP: each call goes back through this app with the caller's key.
app.route(
	"/mcp",
	mcpRoutes((request, c) => app.fetch(request, c.env, c.executionCtx)),
);
app.onError(onApiError);
app.notFound(onNotFound);

export default app satisfies ExportedHandler<ApiContext["Bindings"]>;
