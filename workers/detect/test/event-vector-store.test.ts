import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EventVectorStore } from "#core/vector-index/event-vectors";
import { cosineSimilarity, matchesFilter, type Metadata, type MetadataFilter } from "#core/vector-index/vector-index";
import { D1EventVectorStore } from "#shared/adapters/d1-event-vectors";
import { type EventVectorizeLike, eventVectorId, VectorizeEventVectorStore } from "#shared/adapters/vectorize-event-vectors";

/** Vectorize as its documentation describes it: namespaces, metadata filters, topK capped at 100, ids <= 64 bytes. */
function fakeVectorize(): EventVectorizeLike & { ids(): string[] } {
	const rows = new Map<string, VectorizeVector>();
	return {
		ids: () => [...rows.keys()],
		async upsert(vectors) {
			for (const v of vectors) {
				if (new TextEncoder().encode(v.id).length > 64) throw new Error(`id longer than 64 bytes: ${v.id}`);
				rows.set(v.id, v);
			}
			return {};
		},
		async query(vector, options) {
			if ((options?.topK ?? 5) > 100) throw new Error("topK over 100");
			const matches = [...rows.values()]
				.filter((r) => r.namespace === options?.namespace && matchesFilter(r.metadata as Metadata, options?.filter as MetadataFilter))
				.map((r) => ({ id: r.id, score: cosineSimilarity(vector, r.values as number[]), metadata: r.metadata }))
				.sort((a, b) => b.score - a.score)
				.slice(0, options?.topK ?? 5);
			return { matches, count: matches.length };
		},
		async getByIds(ids) {
			if (ids.length > 20) throw new Error("getByIds takes at most 20 ids");
			return ids.flatMap((id) => (rows.has(id) ? [rows.get(id)!] : []));
		},
		async deleteByIds(ids) {
			for (const id of ids) rows.delete(id);
			return {};
		},
	};
}

const unit = (...xs: number[]) => {
	const v = new Float32Array(16);
	xs.forEach((x, i) => (v[i] = x));
	return v;
};
let n = 0;

describe.each([
	["D1 (dev, tests)", () => new D1EventVectorStore(env.DB) as EventVectorStore],
	["Vectorize (production)", () => new VectorizeEventVectorStore(fakeVectorize()) as EventVectorStore],
])("EventVectorStore: %s", (_, make) => {
	it("ranks events by their closest part, each once, within the time range and model, and forgets deleted ones", async () => {
		const store = make();
		const p = `prj_evs_${++n}`;
		await store.upsert(p, [
			{ eventId: "a", timestamp: 100, model: "m", input: unit(1, 0), output: unit(0, 1) },
			{ eventId: "b", timestamp: 200, model: "m", input: unit(0.9, 0.1) },
			{ eventId: "c", timestamp: 300, model: "m", output: unit(0, 0, 1) },
			{ eventId: "d", timestamp: 150, model: "other", input: unit(1, 0) },
		]);
		await store.upsert(`${p}_other`, [{ eventId: "x", timestamp: 100, model: "m", input: unit(1, 0) }]);
		const search = (v: Float32Array, o: { from?: number; to?: number } = {}) => store.search(p, v, { topK: 10, model: "m", ...o });

		const near = await search(unit(0, 1));
		expect(near[0]).toMatchObject({ eventId: "a", part: "output" });
		expect(near[0]!.score).toBeCloseTo(1);
		expect(near.map((m) => m.eventId).sort()).toEqual(["a", "b", "c"]);
		expect((await search(unit(1, 0), { from: 150 })).map((m) => m.eventId)).toEqual(["b", "c"]);
		expect((await search(unit(1, 0), { to: 150 })).map((m) => m.eventId)).toEqual(["a"]);

		const got = await store.get(p, ["a", "c", "nope"], "m");
		expect([...got.keys()].sort()).toEqual(["a", "c"]);
		expect(got.get("a")!.input![0]).toBeCloseTo(1);
		expect(got.get("c")!.input).toBeUndefined();
		expect(await store.missing(p, ["a", "d", "nope"], "m")).toEqual(["d", "nope"]);

		await store.delete(p, ["a"]);
		expect((await search(unit(0, 1))).map((m) => m.eventId)).not.toContain("a");
		expect((await store.get(p, ["a"], "m")).size).toBe(0);
	});

	it("replaces an event's part on upsert and leaves the other part", async () => {
		const store = make();
		const p = `prj_evs_${++n}`;
		await store.upsert(p, [{ eventId: "a", timestamp: 1, model: "m", input: unit(1, 0), output: unit(0, 1) }]);
		await store.upsert(p, [{ eventId: "a", timestamp: 1, model: "m", input: unit(0, 0, 1) }]);
		const [match] = await store.search(p, unit(0, 0, 1), { topK: 1, model: "m" });
		expect(match).toMatchObject({ eventId: "a", part: "input" });
		expect(match!.score).toBeCloseTo(1);
		expect((await store.get(p, ["a"], "m")).get("a")!.output![1]).toBeCloseTo(1);
	});
});

it("Vectorize ids are 64 hex characters of project, event and part", async () => {
	const id = await eventVectorId("prj_x", "e".repeat(500), "input");
	expect(id).toMatch(/^[0-9a-f]{64}$/);
	expect(id).not.toBe(await eventVectorId("prj_x", "e".repeat(500), "output"));
});
