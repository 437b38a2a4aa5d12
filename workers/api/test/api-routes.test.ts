import { describe, expect, it } from "vitest";
import { API_ROUTES } from "#core/api/routes";
import app from "../src/index";

// The contract the dashboard's client is typed from (core/api/routes.ts) lists exactly the routes
// the api mounts: a route added, renamed or removed on one side only fails here.
describe("the API's route contract", () => {
	it("names every route the api mounts, and no other", () => {
		const mounted = new Set(
			app.routes
				.filter((r) => r.path.startsWith("/api/") && !r.path.endsWith("*") && r.method !== "ALL" && r.method !== "OPTIONS")
				.map((r) => `${r.method} ${r.path}`),
		);
		expect([...mounted].sort()).toEqual(Object.keys(API_ROUTES).sort());
	});
});
