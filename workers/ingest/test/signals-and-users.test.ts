import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { authed, countRows, seedProject, type TestProject } from "../../shared/test/seed-project";

let project: TestProject;
beforeEach(async () => {
	project = await seedProject();
});

const post = (path: string, body: unknown, key = project.writeKey) => SELF.fetch(`https://ingest.test${path}`, authed(key, body));

describe("POST /v1/signals", () => {
	it("stores explicit signals with comment and properties", async () => {
		await post("/v1/events", { events: [{ event_id: "e1", user_id: "u1", convo_id: "c1", output: "Here you go" }] });
		const res = await post("/v1/signals", {
			signals: [
				{ event_id: "e1", signal: "thumbs_down", comment: "Ignored my question", properties: { surface: "web" } },
				{ event_id: "e1", signal: "regenerate" },
				{ event_id: "e1", signal: "custom:too_long" },
			],
		});
		expect(res.status).toBe(202);
		await vi.waitFor(async () => expect(await countRows("signals", project.projectId, "event_id = 'e1' AND user_id = 'u1'")).toBe(3), { timeout: 5000 });
		const row = await env.DB.prepare("SELECT comment, properties FROM signals WHERE project_id = ? AND signal = 'thumbs_down'").bind(project.projectId).first();
		expect(row).toEqual({ comment: "Ignored my question", properties: '{"surface":"web"}' });
	});

	it("keeps a signal that arrives before its event and attaches it when the event lands", async () => {
		await post("/v1/signals", { signals: [{ event_id: "late", signal: "thumbs_up" }] });
		await vi.waitFor(async () => expect(await countRows("signals", project.projectId, "event_id = 'late' AND user_id IS NULL")).toBe(1), { timeout: 5000 });
		await post("/v1/events", { events: [{ event_id: "late", user_id: "u9", convo_id: "c9" }] });
		await vi.waitFor(async () => expect(await countRows("signals", project.projectId, "event_id = 'late' AND user_id = 'u9' AND convo_id = 'c9'")).toBe(1), {
			timeout: 5000,
		});
	});

	it("stores a signal sent twice with the same signal_id once", async () => {
		const body = { signals: [{ signal_id: "s-1", event_id: "e1", signal: "copy" }] };
		await post("/v1/signals", body);
		await post("/v1/signals", body);
		await post("/v1/signals", { signals: [{ event_id: "e1", signal: "share" }] });
		await vi.waitFor(async () => expect(await countRows("signals", project.projectId)).toBe(2), { timeout: 5000 });
	});

	it("names the field of an invalid signal and accepts the valid one", async () => {
		const res = await post("/v1/signals", { signals: [{ event_id: "e1", signal: "Thumbs Down!" }, { event_id: "e1", signal: "edit" }, { signal: "copy" }] });
		expect(res.status).toBe(207);
		const body = (await res.json()) as { results: { errors?: { field: string }[] }[] };
		expect(body.results.map((r) => r.errors?.[0]?.field ?? null)).toEqual(["signals[0].signal", null, "signals[2].event_id"]);
	});

	it("refuses a read key with 403", async () => {
		expect((await post("/v1/signals", { signals: [{ event_id: "e", signal: "copy" }] }, project.readKey)).status).toBe(403);
	});
});

describe("POST /v1/users/identify", () => {
	it("merges traits across calls, and null removes a trait", async () => {
		expect((await post("/v1/users/identify", { user_id: "u1", traits: { plan: "free", locale: "fr", seats: 1 }, timestamp: Date.now() - 2000 })).status).toBe(
			202,
		);
		await vi.waitFor(async () => expect(await countRows("users", project.projectId, "user_id = 'u1'")).toBe(1), { timeout: 5000 });
		await post("/v1/users/identify", { user_id: "u1", traits: { plan: "pro", locale: null }, timestamp: Date.now() - 1000 });
		await vi.waitFor(
			async () => {
				const row = await env.DB.prepare("SELECT traits FROM users WHERE project_id = ? AND user_id = 'u1'")
					.bind(project.projectId)
					.first<{ traits: string }>();
				expect(JSON.parse(row!.traits)).toEqual({ plan: "pro", seats: 1 });
			},
			{ timeout: 5000 },
		);
	});

	it("answers 400 naming the field for an invalid user", async () => {
		const res = await post("/v1/users/identify", { user_id: "u1", traits: { plan: ["a"] } });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({ error: { code: "invalid_body", details: [{ field: "traits.plan" }] } });
	});

	it("answers 401 without a key and 403 with a read key", async () => {
		expect((await SELF.fetch("https://ingest.test/v1/users/identify", { method: "POST", body: "{}" })).status).toBe(401);
		expect((await post("/v1/users/identify", { user_id: "u", traits: {} }, project.readKey)).status).toBe(403);
	});
});
