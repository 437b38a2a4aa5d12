import { Hono } from "hono";
import { cors } from "hono/cors";
import { onApiError, onNotFound } from "../../shared/src/api-error";
import { requireKey } from "../../shared/src/api-key-auth";
import type { ApiContext } from "./api-env";
import { conversationRoutes } from "./routes/conversations";
import { eventRoutes } from "./routes/events";
import { projectRoutes } from "./routes/project";

const app = new Hono<ApiContext>();

// The dashboard may be served from another origin (Pages); keys are bearer headers, not cookies.
app.use("/api/*", cors({ origin: "*", allowHeaders: ["Authorization", "Content-Type"], maxAge: 86400 }));
app.get("/api/health", (c) => c.json({ ok: true, service: "api" }));
app.use("/api/*", requireKey("read"));
app.route("/api/project", projectRoutes);
app.route("/api/events", eventRoutes);
app.route("/api/conversations", conversationRoutes);
app.onError(onApiError);
app.notFound(onNotFound);

export default app satisfies ExportedHandler<ApiContext["Bindings"]>;
