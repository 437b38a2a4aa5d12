import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { D1EventVectorStore } from "#shared/adapters/d1-event-vectors";
import { type EventVectorizeLike, VectorizeEventVectorStore } from "#shared/adapters/vectorize-event-vectors";
import type { StoredText } from "../src/ingest-batch/conversation-history";
import { earlierTurnVectors } from "../src/ingest-batch/earlier-turn-vectors";

const ENCODER = { model: "use-lite-512", dimensions: 4 };
const unit = (...v: number[]) => Float32Array.from(v);

describe("earlier turns' vectors for detection", () => {
	it("returns the stored vector of each wanted text, by its event and side, under the encoder's model only", async () => {
		const project = `prj_earlier_${Date.now()}`;
		const store = new D1EventVectorStore(env.DB);
		await store.upsert(project, [
			{ eventId: "e1", timestamp: 1, model: ENCODER.model, input: unit(1, 0, 0, 0), output: unit(0, 1, 0, 0) },
			{ eventId: "e2", timestamp: 2, model: "another-model", input: unit(0, 0, 1, 0) },
		]);
		const stored: StoredText[] = [
			{ projectId: project, eventId: "e1", part: "input", text: "book the 9am train" },
			{ projectId: project, eventId: "e1", part: "output", text: "booked: the 9:04" },
			{ projectId: project, eventId: "e2", part: "input", text: "stored by another model" },
			{ projectId: project, eventId: "e3", part: "input", text: "no vectors stored yet" },
		];
		const known = await earlierTurnVectors(
			store,
			ENCODER,
			stored,
			new Set(["booked: the 9:04", "book the 9am train", "stored by another model", "no vectors stored yet"]),
		);
		expect([...known.keys()].sort()).toEqual(["book the 9am train", "booked: the 9:04"]);
		expect([...known.get("booked: the 9:04")!]).toEqual([0, 1, 0, 0]);
		// Only wanted texts are looked up: nothing wanted, nothing read.
		const get = vi.spyOn(store, "get");
		expect((await earlierTurnVectors(store, ENCODER, stored, new Set(["something else"]))).size).toBe(0);
		expect(get).not.toHaveBeenCalled();
	});

	it("leaves the texts to the encoder when the store fails or returns vectors of another size", async () => {
		const failing: EventVectorizeLike = {
			upsert: async () => undefined,
			query: async () => ({ matches: [], count: 0 }),
			getByIds: async () => {
				throw new Error("Vectorize is unavailable");
			},
			deleteByIds: async () => undefined,
		};
		const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
		const stored: StoredText[] = [{ projectId: "prj_x", eventId: "e1", part: "output", text: "an earlier reply" }];
		try {
			expect((await earlierTurnVectors(new VectorizeEventVectorStore(failing), ENCODER, stored, new Set(["an earlier reply"]))).size).toBe(0);
			expect(warn).toHaveBeenCalledOnce();
		} finally {
			warn.mockRestore();
		}
		const project = `prj_earlier_dims_${Date.now()}`;
		const store = new D1EventVectorStore(env.DB);
		await store.upsert(project, [{ eventId: "e1", timestamp: 1, model: ENCODER.model, output: unit(1, 0, 0) }]);
		const wrongSize = await earlierTurnVectors(store, ENCODER, [{ ...stored[0]!, projectId: project }], new Set(["an earlier reply"]));
		expect(wrongSize.size).toBe(0);
	});
});
