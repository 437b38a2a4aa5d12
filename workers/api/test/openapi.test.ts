import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { HonoRequest } from "hono/request";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openApiPath } from "#core/api/openapi";
import { API_ROUTES, type RouteKey, type RouteSpec } from "#core/api/routes";
import { seedAdminKey } from "../../shared/test/admin-key";
import { seedProject, type TestProject } from "../../shared/test/seed-project";
import app from "../src/index";

type Operation = {
	operationId: string;
	parameters?: { in: string; name: string; required?: boolean }[];
	requestBody?: { content: Record<string, unknown> };
	responses: Record<string, unknown>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

let doc: Document;
let project: TestProject;
let admin: string;

async function call(path: string, key?: string): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await app.fetch(new Request(`https://api.test${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }), env, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

beforeAll(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	const res = await call("/api/openapi.json");
	expect(res.status).toBe(200);
	doc = (await res.json()) as Document;
});

const routes = Object.entries(API_ROUTES) as [RouteKey, RouteSpec][];

describe("GET /api/openapi.json", () => {
	it("is an OpenAPI 3.1 document, served without a key (it holds no data)", () => {
		expect(doc.openapi).toBe("3.1.0");
		expect(doc.components.securitySchemes.bearer).toEqual({ type: "http", scheme: "bearer" });
	});

	it("documents every route: method, path parameters, query parameters, body and answer", () => {
		const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
		expect(documented.sort()).toEqual(routes.map(([key]) => key.replace(/:([A-Za-z_]+)/g, "{$1}")).sort());
		for (const [key, spec] of routes) {
			const [method, raw] = key.split(" ") as [string, string];
			const { path, params } = openApiPath(raw);
			const op = doc.paths[path]![method.toLowerCase()]!;
			const inPath = (op.parameters ?? []).filter((p) => p.in === "path");
			expect(inPath.map((p) => p.name).sort(), key).toEqual(params.sort());
			for (const p of inPath) expect(p.required, `${key} ${p.name}`).toBe(true);
			const inQuery = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
			expect(inQuery.sort(), key).toEqual(Object.keys(spec.query?.shape ?? {}).sort());
			expect(Boolean(op.requestBody), key).toBe(Boolean(spec.body));
			expect(
				Object.keys(op.responses).some((s) => s.startsWith("2")),
				key,
			).toBe(true);
			expect(op.operationId, key).toMatch(/^[a-z][A-Za-z]+$/);
		}
		const ids = routes.map(([key]) => {
			const { path } = openApiPath(key.split(" ")[1]!);
			return doc.paths[path]![key.split(" ")[0]!.toLowerCase()]!.operationId;
		});
		expect(new Set(ids).size).toBe(ids.length);
	});
});

// What each GET route reads from its query string, recorded while it runs: a parameter the code reads
// and the document does not list fails here (the routes parse with their own code, so this keeps the two honest).
describe("the documented query parameters are the ones the routes read", () => {
	const read = new Set<string>();
	const originals = {
		query: HonoRequest.prototype.query,
		queries: HonoRequest.prototype.queries,
		get: URLSearchParams.prototype.get,
		getAll: URLSearchParams.prototype.getAll,
		has: URLSearchParams.prototype.has,
	};
	afterEach(() => {
		Object.assign(HonoRequest.prototype, { query: originals.query, queries: originals.queries });
		Object.assign(URLSearchParams.prototype, { get: originals.get, getAll: originals.getAll, has: originals.has });
	});

	function record() {
		const note = (name: unknown) => {
			if (typeof name === "string") read.add(name);
		};
		HonoRequest.prototype.query = function (this: HonoRequest, ...args: unknown[]) {
			note(args[0]);
			return (originals.query as (...a: unknown[]) => unknown).apply(this, args);
		} as HonoRequest["query"];
		HonoRequest.prototype.queries = function (this: HonoRequest, ...args: unknown[]) {
			note(args[0]);
			return (originals.queries as (...a: unknown[]) => unknown).apply(this, args);
		} as HonoRequest["queries"];
		for (const m of ["get", "getAll", "has"] as const) {
			(URLSearchParams.prototype as unknown as Record<string, unknown>)[m] = function (this: URLSearchParams, name: string) {
				note(name);
				return (originals[m] as (n: string) => unknown).call(this, name);
			};
		}
	}

	const gets = routes.filter(([key]) => key.startsWith("GET ") && key !== "GET /api/health" && key !== "GET /api/openapi.json");
	it.each(gets.map(([key, spec]) => [key, spec] as const))("%s", async (key, spec) => {
		read.clear();
		record();
		// The search route needs `q`; every other route runs on its defaults.
		const path = key.slice(4).replace(/:([A-Za-z_]+)/g, "none") + (key === "GET /api/events/search" ? "?q=refund" : "");
		const res = await call(path, admin);
		expect(res.status, `${key}: ${await res.clone().text()}`).toBeLessThan(500);
		const documented = new Set(Object.keys(spec.query?.shape ?? {}));
		const undocumented = [...read].filter((name) => !documented.has(name) && !name.startsWith("property."));
		expect(undocumented, key).toEqual([]);
	});
});
