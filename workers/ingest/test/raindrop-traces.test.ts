import { SELF, env } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { authed, countRows, seedProject, type TestProject } from "../../shared/test/seed-project";
import fixture from "./fixtures/raindrop-traces.json";

let project: TestProject;
beforeEach(async () => {
	project = await seedProject();
});

type Export = (typeof fixture.exports)[number];

/** Replays one export the real SDK made (e2e/capture-raindrop-traces.ts) against the ingest worker. */
async function send(e: Export): Promise<number> {
	const base64 = (e as { bodyBase64?: string }).bodyBase64;
	const body = base64 ? Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)) : JSON.stringify((e as { body: unknown }).body);
	const res = await SELF.fetch(`https://ingest.test${e.path}`, { ...authed(project.writeKey, "", { headers: { "content-type": e.contentType } }), body });
	await res.arrayBuffer();
	return res.status;
}

const sendAll = async () => {
	for (const e of fixture.exports) expect(await send(e)).toBe(200);
};

describe("the raindrop-ai SDK's trace exports (fixtures/raindrop-traces.json)", () => {
	it("are accepted at /v1/raindrop/traces (OTLP JSON, the direct tool shipper) and /v1/traces (OTLP protobuf, Traceloop)", async () => {
		expect(fixture.exports.map((e) => e.path)).toEqual(expect.arrayContaining(["/v1/raindrop/traces", "/v1/traces"]));
		await sendAll();
	});

	it("store the instrumented OpenAI call (openai.chat) with its input, output and model", async () => {
		await sendAll();
		await vi.waitFor(
			async () =>
				expect(
					await countRows(
						"events",
						project.projectId,
						"input = ? AND output = ? AND model LIKE 'gpt-4o%'",
						"Book a flight to Rome",
						"Your flight to Rome is booked.",
					),
				).toBeGreaterThan(0),
			{ timeout: 8000, interval: 50 },
		);
	});

	it("store the OpenAI call for the user and conversation the SDK associated with it", async () => {
		await sendAll();
		await vi.waitFor(
			async () =>
				expect(
					await countRows("events", project.projectId, "input = ? AND user_id = 'u_traces' AND convo_id = 'c_traces'", "Book a flight to Rome"),
				).toBeGreaterThan(0),
			{ timeout: 8000, interval: 50 },
		);
	});

	// mapping pending in core/otlp (issue 17 item 1): spans with `traceloop.span.kind = tool` (input in
	// traceloop.entity.input, output in traceloop.entity.output, the error in the span status) are ignored today.
	it.skip("store the tool calls, with their input, output and error, on the Raindrop event they belong to", async () => {
		await sendAll();
		for (const eventId of ["evt_direct", "evt_traceloop"]) {
			await vi.waitFor(
				async () => {
					const { results } = await env.DB.prepare("SELECT name, input, output, error FROM tool_calls WHERE project_id = ? AND event_id = ? ORDER BY name")
						.bind(project.projectId, eventId)
						.all();
					expect(results).toEqual([
						{ name: "book_flight", input: '{"flight":"AZ 611"}', output: '{"ok":true}', error: null },
						{ name: "search_flights", input: '{"to":"Rome"}', output: null, error: "504 Gateway Timeout" },
					]);
				},
				{ timeout: 8000, interval: 50 },
			);
		}
	});
});
