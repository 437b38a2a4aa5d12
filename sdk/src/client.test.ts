import { describe, expect, it } from "vitest";
import { Barometer, retryDelayMs } from "./client.js";
import type { BarometerError } from "./types.js";

type Call = { url: string; body: Record<string, unknown[]> };

/** A scripted server: answers each request with the next status (then 202). */
function fakeFetch(statuses: number[] = [], headers: Record<string, string> = {}) {
	const calls: Call[] = [];
	const fetch = (async (url: string, init: RequestInit) => {
		calls.push({ url, body: JSON.parse(init.body as string) });
		const status = statuses.shift() ?? 202;
		const body =
			status === 207
				? { accepted: 1, rejected: 1, results: [{ index: 1, status: "rejected", errors: [{ field: "events[1].user_id", message: "is required" }] }] }
				: { accepted: 1 };
		return new Response(JSON.stringify(body), { status, headers });
	}) as unknown as typeof globalThis.fetch;
	return { calls, fetch };
}

const events = (calls: Call[]) => calls.filter((c) => c.url.endsWith("/v1/events")).flatMap((c) => c.body.events!);

describe("SDK batching", () => {
	it("sends one request when flushAt items wait", async () => {
		const { calls, fetch } = fakeFetch();
		const bm = new Barometer({ writeKey: "bm_write_x", endpoint: "http://h/", flushAt: 3, flushIntervalMs: 60_000, fetch });
		for (let i = 0; i < 3; i++) bm.trackAi({ user_id: "u", output: `o${i}` });
		await bm.flush();
		expect(calls).toHaveLength(1);
		expect(calls[0]!.url).toBe("http://h/v1/events");
		expect(events(calls).map((e) => (e as { output: string }).output)).toEqual(["o0", "o1", "o2"]);
	});

	it("sends after flushIntervalMs when fewer wait", async () => {
		const { calls, fetch } = fakeFetch();
		const bm = new Barometer({ writeKey: "k", flushAt: 50, flushIntervalMs: 20, fetch });
		bm.trackAi({ user_id: "u", output: "late" });
		expect(calls).toHaveLength(0);
		await new Promise((r) => setTimeout(r, 60));
		expect(events(calls)).toHaveLength(1);
	});

	it("splits more than 100 items into several requests", async () => {
		const { calls, fetch } = fakeFetch();
		const bm = new Barometer({ writeKey: "k", flushAt: 100, flushIntervalMs: 60_000, fetch });
		for (let i = 0; i < 150; i++) bm.trackSignal({ event_id: `e${i}`, signal: "thumbs_up" });
		await bm.close();
		expect(calls.map((c) => c.body.signals!.length)).toEqual([100, 50]);
	});
});

describe("SDK delivery", () => {
	it("retries 503 and network errors with backoff, then succeeds", async () => {
		const { calls, fetch } = fakeFetch([503, 503]);
		const errors: BarometerError[] = [];
		const bm = new Barometer({ writeKey: "k", fetch, onError: (e) => errors.push(e) });
		bm.trackAi({ user_id: "u", output: "x" });
		await bm.flush();
		expect(calls).toHaveLength(3);
		expect(errors).toEqual([]);
	});

	it("gives up after maxRetries and says so; never throws", async () => {
		const { calls, fetch } = fakeFetch([500, 500]);
		const errors: BarometerError[] = [];
		const bm = new Barometer({ writeKey: "k", fetch, maxRetries: 2, onError: (e) => errors.push(e) });
		bm.trackAi({ user_id: "u", output: "x" });
		await bm.flush();
		expect(calls).toHaveLength(2);
		expect(errors).toEqual([expect.objectContaining({ kind: "dropped", message: expect.stringContaining("after 2 attempts") })]);
	});

	it("reports items the server rejected (207) with the field, without retrying", async () => {
		const { calls, fetch } = fakeFetch([207]);
		const errors: BarometerError[] = [];
		const bm = new Barometer({ writeKey: "k", fetch, onError: (e) => errors.push(e) });
		bm.trackAi({ user_id: "u" });
		bm.trackAi({ user_id: "" });
		await bm.flush();
		expect(calls).toHaveLength(1);
		expect(errors[0]).toMatchObject({ kind: "rejected" });
		expect(JSON.stringify(errors[0]!.details)).toContain("user_id");
	});

	it("survives a fetch that throws and an onError that throws", async () => {
		const bm = new Barometer({
			writeKey: "k",
			maxRetries: 1,
			fetch: (() => {
				throw new Error("boom");
			}) as unknown as typeof fetch,
			onError: () => {
				throw new Error("bad handler");
			},
		});
		expect(() => bm.trackAi({ user_id: "u" })).not.toThrow();
		await expect(bm.flush()).resolves.toBeUndefined();
		expect(() => bm.trackSignal({} as never)).not.toThrow();
	});

	it("backs off exponentially with full jitter, capped at 30 s", () => {
		expect(retryDelayMs(1, () => 1)).toBe(500);
		expect(retryDelayMs(3, () => 1)).toBe(2000);
		expect(retryDelayMs(20, () => 1)).toBe(30_000);
		expect(retryDelayMs(3, () => 0.5)).toBe(1000);
	});
});

describe("SDK interactions and tool calls", () => {
	it("a streamed interaction is one event with the whole output, its tools and duration", async () => {
		const { calls, fetch } = fakeFetch();
		const bm = new Barometer({ writeKey: "k", fetch });
		const it1 = bm.begin({ user_id: "u", input: "q", event_id: "evt_stream" });
		it1.append("Hel").append("lo").trackTool({ name: "lookup" });
		bm.trackTool("evt_stream", { name: "second" });
		expect(it1.finish({ model: "m" })).toBe("evt_stream");
		it1.finish({ output: "ignored" });
		await bm.close();
		const [sent] = events(calls) as { event_id: string; output: string; model: string; tool_calls: { name: string }[]; properties: { duration_ms: number } }[];
		expect(events(calls)).toHaveLength(1);
		expect(sent).toMatchObject({ event_id: "evt_stream", output: "Hello", model: "m" });
		expect(sent!.tool_calls.map((t) => t.name)).toEqual(["lookup", "second"]);
		expect(sent!.properties.duration_ms).toBeGreaterThanOrEqual(0);
	});

	it("a tool call for a queued event joins it; one for an unknown event waits for it", async () => {
		const { calls, fetch } = fakeFetch();
		const bm = new Barometer({ writeKey: "k", fetch, flushIntervalMs: 60_000 });
		bm.trackTool("later", { name: "early_tool" });
		const id = bm.trackAi({ user_id: "u" });
		bm.trackTool(id, { name: "queued_tool" });
		bm.trackAi({ user_id: "u", event_id: "later" });
		await bm.close();
		const sent = events(calls) as { event_id: string; tool_calls: { name: string }[] }[];
		expect(sent.find((e) => e.event_id === id)!.tool_calls.map((t) => t.name)).toEqual(["queued_tool"]);
		expect(sent.find((e) => e.event_id === "later")!.tool_calls.map((t) => t.name)).toEqual(["early_tool"]);
	});

	it("close() sends unfinished interactions, marked as such", async () => {
		const { calls, fetch } = fakeFetch();
		const bm = new Barometer({ writeKey: "k", fetch });
		bm.begin({ user_id: "u" }).append("partial");
		await bm.close();
		expect(events(calls)[0]).toMatchObject({ output: "partial", properties: { barometer_unfinished: true } });
	});
});
