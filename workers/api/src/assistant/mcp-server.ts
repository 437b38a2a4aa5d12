import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { type Context, Hono } from "hono";
import { cors } from "hono/cors";
import { RATE_LIMITS } from "#core/limits";
import { requireKey } from "#shared/http/api-key-auth";
import { limitPerKey } from "#shared/http/rate-limit";
import type { ApiContext } from "../api-env";
import { READ_TOOLS, runReadTool, type ToolContext } from "./read-tools";

/** Longest MCP request body: tool arguments are a few filters. */
const MAX_MCP_BODY = 64 * 1024;

const INSTRUCTIONS =
	"Barometer watches an AI product's production traffic. Its tools read one project's signals (user frustration, refusal, " +
	"forgetting…), issues (named clusters of flagged events, counted in users and % of active users), intents (what users try " +
	"to do), events and conversations. Start with list_issues or signal_rates; follow ids into get_issue and get_conversation. " +
	"Quote the numbers the tools return and the links they give. Every tool is read-only.";

/** An MCP server (the official SDK) whose tools are READ_TOOLS, answered through the API with the caller's key. */
export function buildMcpServer(ctx: ToolContext): McpServer {
	const server = new McpServer({ name: "barometer", version: "1.0.0" }, { instructions: INSTRUCTIONS, capabilities: { tools: {} } });
	for (const tool of READ_TOOLS) {
		server.registerTool(
			tool.name,
			{
				title: tool.title,
				description: tool.description,
				inputSchema: tool.input,
				annotations: { title: tool.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
			},
			async (args: Record<string, unknown>) => {
				const result = await runReadTool(tool.name, args, ctx);
				if (!result.ok) return { isError: true, content: [{ type: "text" as const, text: JSON.stringify({ error: result.error }) }] };
				const text = JSON.stringify({ data: result.data, links: result.links, ...(result.truncated ? { truncated: true } : {}) });
				return { content: [{ type: "text" as const, text }] };
			},
		);
	}
	return server;
}

/**
 * `/mcp`: the Model Context Protocol over Streamable HTTP, stateless (a server per request, JSON
 * answers), so any isolate answers any request. A read or admin key of the project authenticates;
 * the tools only read, whatever the key.
 */
export function mcpRoutes(dispatch: (request: Request, c: Context<ApiContext>) => Response | Promise<Response>) {
	return new Hono<ApiContext>()
		.use(
			"*",
			cors({
				origin: "*",
				allowHeaders: ["Authorization", "Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version", "Last-Event-ID"],
				allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
				exposeHeaders: ["Mcp-Session-Id", "Mcp-Protocol-Version", "Retry-After"],
				maxAge: 86400,
			}),
		)
		.use("*", requireKey("read", "admin"))
		.use("*", limitPerKey("READ_RATE_LIMITER", RATE_LIMITS.reads))
		.all("/", async (c) => {
			const length = Number(c.req.header("content-length") ?? 0);
			if (length > MAX_MCP_BODY) {
				return c.json({ jsonrpc: "2.0", id: null, error: { code: -32600, message: `The request body is larger than ${MAX_MCP_BODY} bytes.` } }, 413);
			}
			const server = buildMcpServer({
				fetch: async (request) => dispatch(request, c),
				authorization: c.req.header("authorization")!,
				dashboardUrl: linkBase(c),
			});
			const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
			await server.connect(transport);
			try {
				return await transport.handleRequest(c.req.raw);
			} finally {
				c.executionCtx.waitUntil(server.close());
			}
		});
}

/**
 * Where links point: the dashboard's URL. Locally, the instance the caller reached (the dev gateway
 * names it in x-dashboard-url, as for alerts; else this request's origin), since PORT may differ.
 */
export function linkBase(c: Context<ApiContext>): string {
	if (c.env.ALERT_DELIVERY_MODE !== "local") return c.env.DASHBOARD_URL.replace(/\/+$/, "");
	const forwarded = c.req.header("x-dashboard-url");
	return forwarded && /^https?:\/\/[^/]+$/.test(forwarded) ? forwarded : new URL(c.req.url).origin;
}
