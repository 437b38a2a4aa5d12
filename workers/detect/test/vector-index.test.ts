import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import { type VectorizeLike, VectorizeVectorIndex } from "#shared/adapters/vectorize-index";

describe("D1VectorIndex (embedded)", () => {
	const index = new D1VectorIndex(env.DB, "test-model");

	it("returns the nearest vectors of a namespace, best first, with metadata", async () => {
		await index.upsert([
			{ id: "a", namespace: "p1:refusal", values: [1, 0, 0], metadata: { title: "contacts" } },
			{ id: "b", namespace: "p1:refusal", values: [0.8, 0.6, 0] },
			{ id: "c", namespace: "p1:refusal", values: [0, 0, 1] },
			{ id: "d", namespace: "p2:refusal", values: [1, 0, 0] },
		]);
		const matches = await index.query("p1:refusal", [1, 0.1, 0], { topK: 2 });
		expect(matches.map((m) => m.id)).toEqual(["a", "b"]);
		expect(matches[0]!.score).toBeGreaterThan(0.99);
		expect(matches[0]!.metadata).toEqual({ title: "contacts" });
	});

	it("answers many nearest-neighbour queries with one read per namespace, in order", async () => {
		await index.upsert([
			{ id: "n1", namespace: "many:a", values: [1, 0] },
			{ id: "n2", namespace: "many:a", values: [0, 1] },
			{ id: "n3", namespace: "many:b", values: [1, 1] },
		]);
		const found = await index.nearest([
			{ namespace: "many:a", vector: [0.1, 1] },
			{ namespace: "many:b", vector: [1, 0.9] },
			{ namespace: "many:a", vector: [1, 0] },
			{ namespace: "many:none", vector: [1, 0] },
		]);
		expect(found.map((m) => m?.id)).toEqual(["n2", "n3", "n1", undefined]);
	});

	it("never returns another namespace's or another model's vectors", async () => {
		await index.upsert([{ id: "x1", namespace: "iso:a", values: [1, 1] }]);
		await new D1VectorIndex(env.DB, "other-model").upsert([{ id: "x2", namespace: "iso:a", values: [1, 1] }]);
		expect((await index.query("iso:a", [1, 1])).map((m) => m.id)).toEqual(["x1"]);
		expect(await index.query("iso:b", [1, 1])).toEqual([]);
	});

	it("replaces a record on upsert, filters on metadata, and deletes", async () => {
		await index.upsert([
			{ id: "r", namespace: "f", values: [1, 0], metadata: { state: "new" } },
			{ id: "s", namespace: "f", values: [1, 0.2], metadata: { state: "resolved" } },
		]);
		await index.upsert([{ id: "r", namespace: "f", values: [0, 1], metadata: { state: "ongoing" } }]);
		const [r] = await index.query("f", [0, 1], { filter: { state: { $ne: "resolved" } } });
		expect(r).toMatchObject({ id: "r", metadata: { state: "ongoing" } });
		expect(r!.score).toBeCloseTo(1, 5);
		await index.deleteByIds(["r", "s"]);
		expect(await index.query("f", [0, 1])).toEqual([]);
	});
});

describe("VectorizeVectorIndex (production adapter)", () => {
	it("passes namespace, topK, filter and metadata through the real binding's call shape", async () => {
		const calls: { op: string; args: unknown[] }[] = [];
		const binding = {
			async upsert(...args: unknown[]) {
				calls.push({ op: "upsert", args });
				return { mutationId: "m1" };
			},
			async query(...args: unknown[]) {
				calls.push({ op: "query", args });
				return { count: 1, matches: [{ id: "iss_1", score: 0.91, metadata: { title: "contacts" } }] };
			},
			async deleteByIds(...args: unknown[]) {
				calls.push({ op: "deleteByIds", args });
				return { mutationId: "m2" };
			},
		} as unknown as VectorizeLike;
		const index = new VectorizeVectorIndex(binding, "@cf/baai/bge-base-en-v1.5");
		await index.upsert([{ id: "iss_1", namespace: "p1:refusal", values: new Float32Array([0.5, 0.5]), metadata: { title: "contacts" } }]);
		const matches = await index.query("p1:refusal", [0.5, 0.5], { topK: 3, filter: { state: { $ne: "resolved" } } });
		await index.deleteByIds(["iss_1"]);
		expect(matches).toEqual([{ id: "iss_1", score: 0.91, metadata: { title: "contacts" } }]);
		expect(calls).toEqual([
			{ op: "upsert", args: [[{ id: "iss_1", namespace: "p1:refusal", values: [0.5, 0.5], metadata: { title: "contacts" } }]] },
			{ op: "query", args: [[0.5, 0.5], { topK: 3, namespace: "p1:refusal", returnMetadata: "all", filter: { state: { $ne: "resolved" } } }] },
			{ op: "deleteByIds", args: [["iss_1"]] },
		]);
	});
});
