import { Raindrop } from "raindrop-ai";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import type { EventDetail } from "#core/api/events";

const BASE = inject("e2eBaseUrl");
const WRITE = "bm_write_localdev00000000000000000000";
const READ = "bm_read_localdev000000000000000000000";
/** Fresh ids per run: the e2e system keeps its database across the files of one run. */
const RUN = Math.random().toString(36).slice(2, 8);
const USER = `rd_user_${RUN}`;

const read = async <T>(path: string) => {
	const res = await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${READ}` } });
	return { status: res.status, body: (await res.json()) as T };
};
const storedEvent = (id: string) =>
	vi.waitFor(
		async () => {
			const r = await read<{ data: EventDetail }>(`/api/events/${id}`);
			expect(r.status).toBe(200);
			return r.body.data;
		},
		{ timeout: 20_000, interval: 250 },
	);

// The official SDK, unchanged: only its endpoint points at Barometer, and its write key is a Barometer write key.
// A short buffer timeout only makes the test quicker: the SDK's flush() is private, its timer sends.
const raindrop = new Raindrop({ writeKey: WRITE, endpoint: `${BASE}/v1/raindrop/`, bypassOtelForTools: true, bufferTimeout: 100 });
const sent = () => new Promise((r) => setTimeout(r, 1000));
afterAll(() => raindrop.close());

describe("the raindrop-ai SDK against Barometer (npm start)", () => {
	it("trackAi, single and batched: every field stored, each event once even when the SDK sends one twice", async () => {
		raindrop.trackAi({
			eventId: `rd_single_${RUN}`,
			event: "chat",
			userId: USER,
			model: "gpt-4o",
			input: "Find flights to Rome",
			output: "Here are three flights to Rome.",
			convoId: `rd_convo_${RUN}`,
			properties: { plan: "pro", experiment: { arm: "b" } },
			attachments: [{ type: "code", value: "search(to='FCO')", role: "input", language: "python" }],
		});
		raindrop.trackAi([
			{ eventId: `rd_batch_a_${RUN}`, event: "chat", userId: USER, input: "And hotels?", output: "Two hotels near Termini." },
			{ eventId: `rd_batch_b_${RUN}`, event: "chat", userId: USER, input: "Cheapest?", output: "The first one." },
		]);
		await sent();
		raindrop.trackAi({ eventId: `rd_batch_a_${RUN}`, event: "chat", userId: USER, input: "And hotels?", output: "Two hotels near Termini." });
		await sent();
		const single = await storedEvent(`rd_single_${RUN}`);
		expect(single).toMatchObject({
			user_id: USER,
			event: "chat",
			model: "gpt-4o",
			input: "Find flights to Rome",
			output: "Here are three flights to Rome.",
			convo_id: `rd_convo_${RUN}`,
			properties: { plan: "pro", experiment: '{"arm":"b"}', raindrop_sdk: "raindrop-ai@0.1.7" },
			attachments: [{ type: "code", role: "input", value: "search(to='FCO')" }],
		});
		await storedEvent(`rd_batch_b_${RUN}`);
		await storedEvent(`rd_batch_a_${RUN}`);
		const page = await read<{ data: EventDetail[] }>(`/api/events?user_id=${USER}&limit=100`);
		expect(page.body.data.map((e) => e.event_id).sort()).toEqual([`rd_batch_a_${RUN}`, `rd_batch_b_${RUN}`, `rd_single_${RUN}`]);
	});

	it("begin → setProperties → addAttachments → finish: one event with the merged fields", async () => {
		const id = `rd_interaction_${RUN}`;
		const interaction = raindrop.begin({
			eventId: id,
			userId: USER,
			event: "agent",
			input: "Book the 9:40 flight",
			model: "gpt-4o",
			convoId: `rd_convo_${RUN}`,
		});
		interaction.setProperties({ step: "search", tier: 2 });
		interaction.addAttachments([{ type: "text", name: "itinerary", value: "FCO 9:40 → 11:55", role: "output" }]);
		interaction.trackTool({ name: "book_flight", input: { flight: "AZ 611" }, error: new Error("seat map unavailable"), durationMs: 80 });
		// Past the SDK's 2-second partial flush: the properties and attachment travel in their own post.
		await new Promise((r) => setTimeout(r, 2500));
		interaction.setProperty("step", "booked");
		await interaction.finish({ output: "Booked: AZ 611 at 9:40." });
		const event = await storedEvent(id);
		expect(event).toMatchObject({
			user_id: USER,
			event: "agent",
			model: "gpt-4o",
			input: "Book the 9:40 flight",
			output: "Booked: AZ 611 at 9:40.",
			convo_id: `rd_convo_${RUN}`,
			attachments: [{ type: "text", name: "itinerary", role: "output", value: "FCO 9:40 → 11:55" }],
		});
		expect(event.properties).toMatchObject({ step: "booked", tier: 2, raindrop_sdk: "raindrop-ai@0.1.7" });
		const page = await read<{ data: EventDetail[] }>(`/api/events?user_id=${USER}&limit=100`);
		expect(page.body.data.filter((e) => e.event_id === id)).toHaveLength(1);
	});

	it("trackSignal: feedback thumbs down with its comment, and a default signal kept by name", async () => {
		const id = `rd_single_${RUN}`;
		raindrop.trackSignal({ eventId: id, name: "thumbs_down", type: "feedback", sentiment: "NEGATIVE", comment: "Those flights are sold out" });
		raindrop.trackSignal({ eventId: id, name: "copied answer" });
		await sent();
		await vi.waitFor(
			async () => {
				const event = (await read<{ data: EventDetail }>(`/api/events/${id}`)).body.data;
				const byName = Object.fromEntries(event.signals.map((s) => [s.signal, s]));
				expect(byName.thumbs_down).toMatchObject({ comment: "Those flights are sold out", user_id: USER, properties: { raindrop_sentiment: "NEGATIVE" } });
				expect(byName.copied_answer).toMatchObject({ comment: null, properties: { raindrop_signal: "copied answer", raindrop_signal_type: "default" } });
			},
			{ timeout: 20_000, interval: 250 },
		);
	});

	it("setUserDetails: the user's traits", async () => {
		raindrop.setUserDetails({ userId: USER, traits: { plan: "enterprise", seats: 40, org: { name: "Acme" } } });
		await sent();
		await vi.waitFor(
			async () => {
				const convo = await read<{ data: { user: { traits: Record<string, unknown> } } }>(`/api/conversations/rd_convo_${RUN}`);
				expect(convo.body.data.user.traits).toEqual({ plan: "enterprise", seats: 40, org: '{"name":"Acme"}' });
			},
			{ timeout: 20_000, interval: 250 },
		);
	});

	it("an interaction never finished is held pending, not stored half-way (the detect cron stores it after 10 minutes)", async () => {
		const id = `rd_open_${RUN}`;
		const open = raindrop.begin({ eventId: id, userId: USER, event: "agent", input: "Still thinking…" });
		open.setProperty("step", "1");
		await raindrop.forceFlush();
		await new Promise((r) => setTimeout(r, 3000));
		expect((await read(`/api/events/${id}`)).status).toBe(404);
	});

	it("bad bodies on every Raindrop path are a 4xx naming the problem, never a 5xx", async () => {
		const post = (path: string, body: string) =>
			fetch(`${BASE}/v1/raindrop/${path}`, { method: "POST", headers: { authorization: `Bearer ${WRITE}`, "content-type": "application/json" }, body });
		for (const path of ["events/track", "events/track_partial", "signals/track", "users/identify"]) {
			expect((await post(path, "{oops")).status).toBe(400);
		}
		const wrong = await post(
			"events/track",
			JSON.stringify([{ event_id: "x", event: "chat", user_id: USER, timestamp: new Date().toISOString(), ai_data: { input: 5 } }]),
		);
		expect(wrong.status).toBe(400);
		expect(JSON.stringify(await wrong.json())).toContain("events[0].ai_data.input");
	});
});
