import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, inject, it, vi } from "vitest";

/**
 * The raindrop-ai SDK's tool traces, live: an interaction with two tool calls and an instrumented OpenAI
 * call, sent by the real SDK (in its own process) to `npm start`, in both of the SDK's trace modes. The
 * tool calls must end up on the interaction's own event, which is stored once.
 */
const BASE = inject("e2eBaseUrl");
const WRITE = "bm_write_localdev00000000000000000000";
const READ = "bm_read_localdev000000000000000000000";
const run = promisify(execFile);

interface Stored {
	event_id: string;
	user_id: string;
	input: string;
	output: string;
	tool_calls: { name: string; input: string | null; output: string | null; error: string | null }[];
}

describe("raindrop-ai tool traces against the running system", () => {
	it.each([
		["Traceloop's OTLP exporter (the default)", false],
		["the SDK's own tool shipper (bypassOtelForTools)", true],
	])("%s: the tool calls join the interaction's event", async (_mode, bypass) => {
		const eventId = `evt_e2e_${bypass ? "direct" : "otel"}_${Date.now()}`;
		const user = `rd_traces_${bypass ? "direct" : "otel"}`;
		const args = ["--import", "tsx", "test/emitters/raindrop-interaction.ts", BASE, WRITE, eventId, user];
		await run(process.execPath, bypass ? [...args, "--bypass-otel-for-tools"] : args);
		const event = await vi.waitFor(
			async () => {
				const res = await fetch(`${BASE}/api/events/${eventId}`, { headers: { authorization: `Bearer ${READ}` } });
				expect(res.status).toBe(200);
				const { data } = (await res.json()) as { data: Stored };
				expect(data.tool_calls).toHaveLength(2);
				return data;
			},
			{ timeout: 20_000, interval: 250 },
		);
		expect(event).toMatchObject({ user_id: user, input: "Book a flight to Rome", output: "Your flight to Rome is booked." });
		expect(event.tool_calls.map((t) => [t.name, t.error]).sort()).toEqual([
			["book_flight", null],
			["search_flights", "504 Gateway Timeout"],
		]);
		const list = await fetch(`${BASE}/api/events?user_id=${user}&limit=10`, { headers: { authorization: `Bearer ${READ}` } });
		expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(1);
	});
});
