import { env } from "cloudflare:test";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import { cosineSimilarity } from "#core/vector-index/vector-index";

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

describe("D1VectorIndex's copy of a namespace in the isolate", () => {
	const index = new D1VectorIndex(env.DB, "cache-model");
	/** Every statement the index sends to D1, by its first words. */
	/** An index whose statements are recorded, keeping at most `budget` bytes of centres in the isolate. */
	const counted = (budget?: number) => {
		const sent: string[] = [];
		const record = (sql: string) => sent.push(sql.trim().split(/\s+/).slice(0, 4).join(" "));
		const db = new Proxy(env.DB, {
			get(target, prop) {
				if (prop === "prepare") return (sql: string) => (record(sql), target.prepare(sql));
				const value = Reflect.get(target, prop);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		return { index: new D1VectorIndex(db, "cache-model", budget), reads: () => sent.filter((s) => s.startsWith('SELECT id, "values"')).length };
	};

	it("reads a namespace's vectors once, then only its stamp, while nothing changes", async () => {
		await index.upsert([
			{ id: "k1", namespace: "cache:a", values: [1, 0] },
			{ id: "k2", namespace: "cache:a", values: [0, 1] },
		]);
		const { index: watched, reads } = counted();
		expect((await watched.nearest([{ namespace: "cache:a", vector: [1, 0.1] }]))[0]?.id).toBe("k1");
		expect((await watched.nearest([{ namespace: "cache:a", vector: [0.1, 1] }]))[0]?.id).toBe("k2");
		expect(reads()).toBe(1);
	});

	it("sees what another isolate upserted or deleted (the stamp moves), and its new values", async () => {
		await index.upsert([
			{ id: "m1", namespace: "cache:b", values: [1, 0] },
			{ id: "m2", namespace: "cache:b", values: [0.6, 0.8] },
		]);
		const { index: watched, reads } = counted();
		expect((await watched.nearest([{ namespace: "cache:b", vector: [0, 1] }]))[0]?.id).toBe("m2");
		// Another isolate's writes go straight to D1: this isolate's copy learns of them from the stamp alone.
		await env.DB.prepare(`UPDATE vectors SET "values" = ?, updated_at = updated_at + 1 WHERE id = 'm1'`)
			.bind(new Float32Array([0, 1]).buffer)
			.run();
		const moved = (await watched.nearest([{ namespace: "cache:b", vector: [0, 1] }]))[0]!;
		expect(moved.id).toBe("m1");
		expect(moved.score).toBeCloseTo(1, 6);
		await env.DB.prepare("DELETE FROM vectors WHERE id = 'm1'").run();
		expect((await watched.nearest([{ namespace: "cache:b", vector: [0, 1] }]))[0]?.id).toBe("m2");
		expect(reads()).toBe(3);
	});

	it("sees its own upserts and deletes, and scores as cosine whatever the lengths", async () => {
		await index.upsert([{ id: "o1", namespace: "cache:c", values: [3, 4] }]);
		expect((await index.nearest([{ namespace: "cache:c", vector: [6, 8] }]))[0]!.score).toBeCloseTo(1, 6);
		await index.upsert([{ id: "o2", namespace: "cache:c", values: [0, 2] }]);
		const [best] = await index.nearest([{ namespace: "cache:c", vector: [0, 5] }]);
		expect(best).toMatchObject({ id: "o2" });
		expect(best!.score).toBeCloseTo(1, 6);
		await index.deleteByIds(["o2"]);
		const [after] = await index.nearest([{ namespace: "cache:c", vector: [0, 5] }]);
		expect(after!.id).toBe("o1");
		expect(after!.score).toBeCloseTo(0.8, 6);
		expect(await index.nearest([{ namespace: "cache:c", vector: [0, 0] }])).toEqual([expect.objectContaining({ id: "o1", score: 0 })]);
	});

	it("sees a centre rewritten within the same millisecond (each update moves its time on)", async () => {
		// Every write at one instant, as two isolates' writes of the same centre can be.
		const now = vi.spyOn(Date, "now").mockReturnValue(Date.UTC(2026, 11, 7));
		onTestFinished(() => now.mockRestore());
		const { index: watched, reads } = counted();
		await watched.upsert([{ id: "ms1", namespace: "cache:ms", values: [1, 0] }]);
		expect((await watched.nearest([{ namespace: "cache:ms", vector: [0, 1] }]))[0]!.score).toBeCloseTo(0, 6);
		for (const values of [
			[0, 1],
			[1, 1],
			[0, 1],
		]) {
			await watched.upsert([{ id: "ms1", namespace: "cache:ms", values }]);
			expect((await watched.nearest([{ namespace: "cache:ms", vector: values }]))[0]!.score).toBeCloseTo(1, 6);
		}
		expect(reads()).toBe(4);
	});

	/** `count` one-hot centres of `dims` dimensions in a namespace: centre i points along dimension i % dims. */
	const fill = async (namespace: string, count: number, dims: number) => {
		const records = Array.from({ length: count }, (_, i) => {
			const values = new Float32Array(dims);
			values[i % dims] = 1;
			return { id: `${namespace}_${i}`, namespace, values };
		});
		for (let i = 0; i < records.length; i += 200) await index.upsert(records.slice(i, i + 200));
	};
	const along = (dims: number, d: number) => {
		const probe = new Float32Array(dims);
		probe[d] = 1;
		return probe;
	};

	it("drops the least recently used namespace when a new one does not fit", async () => {
		// 256 KiB: each namespace (90 centres of 1,000 dimensions) is kept as int8, 90 KB; two fit, not three.
		for (const ns of ["lru:a", "lru:b", "lru:c"]) await fill(ns, 90, 1000);
		const { index: watched, reads } = counted(256 * 1024);
		const ask = async (namespace: string) => expect((await watched.nearest([{ namespace, vector: along(1000, 3) }]))[0]?.id).toBe(`${namespace}_3`);
		await ask("lru:a");
		await ask("lru:b");
		// A used again: B is now the least recently used, and goes when C comes.
		await ask("lru:a");
		expect(reads()).toBe(2);
		await ask("lru:c");
		await ask("lru:a");
		expect(reads()).toBe(3);
		await ask("lru:b");
		expect(reads()).toBe(4);
	});

	it("keeps a namespace too large for float32 as int8, ranking as exact cosine does within 0.005", async () => {
		let seed = 7;
		const random = () => {
			seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
			return seed / 2 ** 32 - 0.5;
		};
		const vector = () => Float32Array.from({ length: 768 }, random);
		const centres = Array.from({ length: 300 }, (_, i) => ({ id: `q${i}`, namespace: "cache:int8", values: vector() }));
		for (let i = 0; i < centres.length; i += 100) await index.upsert(centres.slice(i, i + 100));
		// 512 KiB: 300 float32 centres (922 KB) would not fit at all; as int8 (230 KB) they do, and are read once.
		const { index: watched, reads } = counted(512 * 1024);
		const queries = Array.from({ length: 20 }, () => ({ namespace: "cache:int8", vector: vector() }));
		const exact = queries.map(
			({ vector: q }) => centres.map((c) => ({ id: c.id, score: cosineSimilarity(q, c.values) })).sort((a, b) => b.score - a.score)[0]!,
		);
		for (let round = 0; round < 2; round++) {
			const found = await watched.nearest(queries);
			for (const [k, best] of exact.entries()) {
				expect(Math.abs(found[k]!.score - best.score)).toBeLessThan(0.005);
				expect(found[k]!.id).toBe(best.id);
			}
		}
		expect(reads()).toBe(1);
	});

	it("keeps no namespace larger than its budget, and still answers from D1", async () => {
		// 64 KiB: 100 centres of 1,024 dimensions take 100 KB even as int8.
		await fill("cache:big", 100, 1024);
		const { index: watched, reads } = counted(64 * 1024);
		for (let i = 0; i < 2; i++) expect((await watched.nearest([{ namespace: "cache:big", vector: along(1024, 7) }]))[0]?.id).toBe("cache:big_7");
		expect(reads()).toBe(2);
	});
});
