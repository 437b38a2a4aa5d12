import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";

let project: TestProject;
let admin: string;
beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
});

const call = (key: string, method: string, body?: unknown) => SELF.fetch("https://api.test/api/project/settings", authed(key, body, { method }));

describe("GET/PATCH /api/project/settings", () => {
	it("reads the defaults: every kind of personal data redacted, events kept forever", async () => {
		const res = await call(project.readKey, "GET");
		expect(res.status).toBe(200);
		const { data } = (await res.json()) as { data: { privacy: { mode: string; kinds: string[] }; retention_days: number | null } };
		expect(data.privacy.mode).toBe("redact");
		expect(data.privacy.kinds).toEqual(["email", "phone", "card", "api_key", "ip", "national_id"]);
		expect(data.retention_days).toBeNull();
	});

	it("an admin key changes privacy and retention; each field on its own", async () => {
		let res = await call(admin, "PATCH", { privacy: { mode: "hash", kinds: ["email", "card"] } });
		expect(res.status).toBe(200);
		res = await call(admin, "PATCH", { retention_days: 30 });
		expect(((await res.json()) as { data: unknown }).data).toEqual({ privacy: { mode: "hash", kinds: ["email", "card"] }, retention_days: 30 });
		const row = await env.DB.prepare("SELECT privacy, retention_days FROM projects WHERE id = ?")
			.bind(project.projectId)
			.first<{ privacy: string; retention_days: number }>();
		expect(JSON.parse(row!.privacy)).toEqual({ mode: "hash", kinds: ["email", "card"] });
		expect(row!.retention_days).toBe(30);
		res = await call(admin, "PATCH", { retention_days: null });
		expect(((await res.json()) as { data: { retention_days: null } }).data.retention_days).toBeNull();
	});

	it("a read key cannot change settings; a write key cannot read them", async () => {
		expect((await call(project.readKey, "PATCH", { retention_days: 7 })).status).toBe(403);
		expect((await call(project.writeKey, "GET")).status).toBe(403);
	});

	it("refuses bad settings with a 400 naming the field", async () => {
		for (const [body, field] of [
			[{ privacy: { mode: "sometimes" } }, "privacy.mode"],
			[{ privacy: { mode: "redact", kinds: ["email", "shoe_size"] } }, "privacy.kinds"],
			[{ retention_days: 0 }, "retention_days"],
			[{ retention_days: 1.5 }, "retention_days"],
			[{ retention: 7 }, ""],
		] as const) {
			const res = await call(admin, "PATCH", body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(JSON.stringify(await res.json())).toContain(field);
		}
	});
});
