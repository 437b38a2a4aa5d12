import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { apiErrorSchema } from "./envelope";
import { PROPERTY_FILTER_NOTE } from "./route-queries";
import { API_ROUTES, type RouteKey, type RouteSpec } from "./routes";

/** Routes whose query also takes `property.<name>=<value>` filters (OpenAPI has no prefix parameters). */
const PROPERTY_FILTERS = new Set<RouteKey>(["GET /api/events", "GET /api/events/search", "GET /api/issues"]);

/** Routes that need an admin key (the others take a read key too). */
const ADMIN_ONLY = (key: RouteKey) =>
	(!key.startsWith("GET ") && key !== "POST /api/ask") || key === "GET /api/project/keys" || key.startsWith("GET /api/dead-letters");

/** POST routes that create nothing, so answer 200 rather than 201. */
const POST_ANSWERS = new Set<RouteKey>(["POST /api/ask"]);

/** Errors only some routes answer: Ask refuses an oversized body, and needs Workers AI (503 offline, 502 when it fails). */
const MORE_ERRORS: Partial<Record<RouteKey, string[]>> = { "POST /api/ask": ["413", "502", "503"] };

/** `/api/issues/:id` as OpenAPI writes it: `/api/issues/{id}`, with the names of its path parameters. */
export function openApiPath(path: string): { path: string; params: string[] } {
	const params: string[] = [];
	return { path: path.replace(/:([A-Za-z_]+)/g, (_, name: string) => (params.push(name), `{${name}}`)), params };
}

function operation(key: RouteKey, spec: RouteSpec, params: string[]): ZodOpenApiOperationObject {
	const [method, path] = key.split(" ") as [string, string];
	const tag = path.split("/")[2] ?? "api";
	const status = spec.response instanceof z.ZodUndefined ? "204" : method === "POST" && !path.includes("/:") && !POST_ANSWERS.has(key) ? "201" : "200";
	const ok = status === "204" ? { description: "Done; no content" } : { description: "OK", content: { "application/json": { schema: spec.response } } };
	const error = { description: "An error naming what was wrong", content: { "application/json": { schema: apiErrorSchema } } };
	const notes = [ADMIN_ONLY(key) ? "Needs an admin key." : "A read or admin key.", PROPERTY_FILTERS.has(key) ? PROPERTY_FILTER_NOTE : ""];
	return {
		operationId: operationId(key),
		tags: [tag],
		summary: key,
		description: notes.filter(Boolean).join(" "),
		requestParams: {
			...(params.length ? { path: z.object(Object.fromEntries(params.map((p) => [p, z.string().min(1).max(200)]))) } : {}),
			...(spec.query ? { query: spec.query } : {}),
		},
		...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: spec.body } } } } : {}),
		responses: {
			[status]: ok,
			"400": error,
			"401": error,
			...(ADMIN_ONLY(key) ? { "403": error } : {}),
			"404": error,
			"429": error,
			...Object.fromEntries((MORE_ERRORS[key] ?? []).map((code) => [code, error])),
		},
	};
}

/** `GET /api/issues/:id/compare` → `getIssuesIdCompare`: stable, unique, readable. */
export function operationId(key: RouteKey): string {
	const [method, path] = key.split(" ") as [string, string];
	const words = path
		.split("/")
		.slice(2)
		.map((s) => (s.startsWith(":") ? s.slice(1) : s))
		.flatMap((s) => s.split(/[-.]/));
	return method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

/** The read API as an OpenAPI 3.1 document, built from API_ROUTES' zod schemas (served at GET /api/openapi.json). */
export function openApiDocument(serverUrl?: string) {
	const paths: ZodOpenApiPathsObject = {};
	for (const [key, spec] of Object.entries(API_ROUTES) as [RouteKey, RouteSpec][]) {
		const [method, raw] = key.split(" ") as [string, string];
		const { path, params } = openApiPath(raw);
		paths[path] = { ...paths[path], [method.toLowerCase()]: operation(key, spec, params) };
	}
	return createDocument({
		openapi: "3.1.0",
		info: {
			title: "Barometer API",
			version: "1",
			description:
				"Production monitoring for AI products: signals, issues, intents, events and conversations of the key's project. " +
				"Authenticate with `Authorization: Bearer <key>`; a read key reads, an admin key also changes settings.",
		},
		...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
		security: [{ bearer: [] }],
		components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
		paths,
	});
}
