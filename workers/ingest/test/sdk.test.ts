import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Barometer, type BarometerError } from "../../../sdk/src";
import { countRows, seedProject, type TestProject } from "../../shared/test/seed-project";

let project: TestProject;
beforeEach(async () => {
	project = await seedProject();
});

/** The SDK talking to the real ingest worker (its fetch is the worker's), behind the real queue. */
function client(errors: BarometerError[] = [], extra: Partial<ConstructorParameters<typeof Barometer>[0]> = {}) {
	return new Barometer({
		writeKey: project.writeKey,
		endpoint: "https://ingest.test",
		fetch: (url, init) => SELF.fetch(url as string, init),
		onError: (e) => errors.push(e),
		...extra,
	});
}

const waitForRows = (table: string, n: number, where?: string, ...params: unknown[]) =>
	vi.waitFor(async () => expect(await countRows(table, project.projectId, where, ...params)).toBe(n), { timeout: 5000, interval: 50 });

describe("SDK against the ingest worker", () => {
	it("sends events, a streamed interaction, feedback, tool calls and traits, all stored", async () => {
		const errors: BarometerError[] = [];
		const bm = client(errors);
		const first = bm.trackAi({ user_id: "u1", convo_id: "c1", model: "m1", input: "Find flights to Rome", output: "Searching…" });
		bm.trackTool(first, { name: "search_flights", input: { to: "Rome" }, error: "504 Gateway Timeout", duration_ms: 10_000 });
		const stream = bm.begin({ user_id: "u1", convo_id: "c1", model: "m1", input: "Write a haiku" });
		stream.append("Autumn moon, ").append("a pond of light");
		const streamed = stream.finish({ properties: { prompt_version: "v12" } });
		bm.trackSignal({ event_id: streamed, signal: "thumbs_up", user_id: "u1" });
		bm.identify("u1", { plan: "pro" });
		await bm.close();
		expect(errors).toEqual([]);
		await waitForRows("events", 2);
		await waitForRows("tool_calls", 1, "event_id = ? AND error = ?", first, "504 Gateway Timeout");
		await waitForRows("signals", 1, "event_id = ?", streamed);
		const row = await env.DB.prepare("SELECT output, properties FROM events WHERE project_id = ? AND event_id = ?")
			.bind(project.projectId, streamed)
			.first<{ output: string; properties: string }>();
		expect(row!.output).toBe("Autumn moon, a pond of light");
		expect(JSON.parse(row!.properties)).toMatchObject({ prompt_version: "v12", duration_ms: expect.any(Number) });
		await vi.waitFor(async () => {
			const user = await env.DB.prepare("SELECT traits FROM users WHERE project_id = ? AND user_id = 'u1'").bind(project.projectId).first<{ traits: string }>();
			expect(JSON.parse(user!.traits)).toEqual({ plan: "pro" });
		});
	});

	it("a retried event (same id) is stored once; an invalid one is reported by field while the valid one lands", async () => {
		const errors: BarometerError[] = [];
		const bm = client(errors);
		bm.trackAi({ event_id: "dup", user_id: "u1", output: "hi" });
		await bm.flush();
		bm.trackAi({ event_id: "dup", user_id: "u1", output: "hi" });
		bm.trackAi({ event_id: "bad", user_id: "", output: "x" } as never);
		await bm.close();
		await waitForRows("events", 1);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ kind: "rejected" });
		expect(JSON.stringify(errors[0]!.details)).toContain("user_id");
	});

	it("a wrong key is reported, not thrown, and nothing is stored", async () => {
		const errors: BarometerError[] = [];
		const bm = client(errors, { writeKey: project.readKey });
		expect(() => bm.trackAi({ user_id: "u1", output: "x" })).not.toThrow();
		await bm.close();
		expect(errors.map((e) => e.message).join()).toMatch(/HTTP 403/);
		expect(await countRows("events", project.projectId)).toBe(0);
	});

	it("in Workers mode, sends at the end of the tick through waitUntil, with no timer", async () => {
		const pending: Promise<unknown>[] = [];
		const bm = client([], { waitUntil: (p) => pending.push(p), flushIntervalMs: 60_000 });
		bm.trackAi({ user_id: "u1", output: "one" });
		bm.trackAi({ user_id: "u1", output: "two" });
		await Promise.resolve();
		await Promise.all(pending);
		expect(pending).toHaveLength(1);
		await waitForRows("events", 2);
	});
});
