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

	/** The interaction itself, as the SDK's trackAi sends it: the event the spans name. */
	const interaction = (eventId: string) =>
		SELF.fetch(
			"https://ingest.test/v1/raindrop/events/track",
			authed(project.writeKey, [
				{
					event_id: eventId,
					user_id: "u_traces",
					event: "agent",
					timestamp: new Date().toISOString(),
					ai_data: { input: "Book a flight to Rome", convo_id: "c_traces" },
				},
			]),
		);
	const storedEvent = (eventId: string) =>
		env.DB.prepare("SELECT user_id, convo_id, input, output, model, tool_call_count FROM events WHERE project_id = ? AND event_id = ?")
			.bind(project.projectId, eventId)
			.first();
	const toolCalls = async (eventId: string) =>
		(
			await env.DB.prepare("SELECT name, input, output, error FROM tool_calls WHERE project_id = ? AND event_id = ? ORDER BY name")
				.bind(project.projectId, eventId)
				.all()
		).results;
	const expectedCalls = [
		{ name: "book_flight", input: '{"flight":"AZ 611"}', output: '{"ok":true}', error: null },
		{ name: "search_flights", input: '{"to":"Rome"}', output: null, error: "504 Gateway Timeout" },
	];

	it("the tool calls join the Raindrop event they name, whether it arrives before the spans or after", async () => {
		// evt_direct: the interaction is stored first, then its tool spans arrive and are added to it.
		expect((await interaction("evt_direct")).status).toBeLessThan(300);
		await vi.waitFor(async () => expect(await storedEvent("evt_direct")).not.toBeNull(), { timeout: 8000, interval: 50 });
		// evt_traceloop: its spans (the OpenAI call and the tools) arrive first and wait for it.
		await sendAll();
		await vi.waitFor(async () => expect(await toolCalls("evt_direct")).toEqual(expectedCalls), { timeout: 8000, interval: 50 });
		expect(await storedEvent("evt_direct")).toMatchObject({ user_id: "u_traces", tool_call_count: 2 });
		expect(await storedEvent("evt_traceloop")).toBeNull();
		expect((await interaction("evt_traceloop")).status).toBeLessThan(300);
		await vi.waitFor(async () => expect(await toolCalls("evt_traceloop")).toEqual(expectedCalls), { timeout: 8000, interval: 50 });
		// The app's event is what is stored; the spans lend what it lacks (the OpenAI call's answer and model).
		expect(await storedEvent("evt_traceloop")).toMatchObject({
			user_id: "u_traces",
			convo_id: "c_traces",
			input: "Book a flight to Rome",
			output: "Your flight to Rome is booked.",
			model: expect.stringMatching(/^gpt-4o/),
			tool_call_count: 2,
		});
		expect(await countRows("events", project.projectId)).toBe(2);
		expect(await countRows("event_links", project.projectId)).toBe(0);
		// A retried export adds nothing.
		await sendAll();
		await new Promise((r) => setTimeout(r, 1500));
		expect(await toolCalls("evt_direct")).toEqual(expectedCalls);
		expect(await countRows("events", project.projectId)).toBe(2);
	}, 30_000);
});
