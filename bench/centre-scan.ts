// What the nearest-centre lookup costs when issue and intent centres live in D1 (issue 20, docs/scaling.md
// built item 10). A local D1 (workerd, through wrangler's platform proxy) holds N centres of 768 dimensions
// (production's bge-base) in one namespace; a queue batch of 100 events asks for the nearest of each, as
// issue grouping and intent assignment do: one D1 read of the namespace, then a dot product per centre.
//   npx tsx bench/centre-scan.ts [--centres 100,1000,3000,10000] [--rounds 5]  (rounds after the first)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import type { VectorIndex } from "#core/vector-index/vector-index";
import { REPO } from "./wrangler-dev";

// The detect worker's own index class. Its file is typed against the Workers runtime, which this Node
// project's types leave out, so it is loaded by a specifier the type checker does not follow.
const INDEX_MODULE = "#shared/adapters/d1-vector-index";
const { D1VectorIndex, CACHE_MAX_BYTES } = (await import(INDEX_MODULE)) as {
	D1VectorIndex: new (db: unknown, model: string) => VectorIndex;
	CACHE_MAX_BYTES: number;
};
/** Bytes of centres an isolate keeps (D1VectorIndex's budget). */
export const CACHE_BYTES = CACHE_MAX_BYTES;

const DIMS = 768;
const BATCH = 100;

const arg = (name: string, fallback: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1]! : fallback;
};

function unitVector(seed: number): Float32Array {
	let s = seed >>> 0;
	const v = new Float32Array(DIMS);
	let norm = 0;
	for (let d = 0; d < DIMS; d++) {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = Math.imul(s ^ (s >>> 15), 1 | s);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		v[d] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
		norm += v[d]! * v[d]!;
	}
	for (let d = 0; d < DIMS; d++) v[d]! /= Math.sqrt(norm);
	return v;
}

export interface CentreScanRow {
	centres: number;
	/** The first batch's lookup, ms: the namespace read from D1 into the isolate. */
	coldMs: number;
	/** Each later batch's, ms (min / median / max): the stamp read, then the dot products. */
	warmMs: [number, number, number];
	warmPerEventMs: number;
	/** What the first read carries: each centre's float32 values and its row. */
	bytesRead: number;
	/** How the isolate keeps the namespace: float32, int8 (past a quarter of the budget), or not at all. */
	keptAs: "float32" | "int8" | "not kept";
	/** Largest difference between a lookup's score and the exact cosine of the exact nearest centre. */
	maxScoreError: number;
	/** Share of lookups that found the exact nearest centre. */
	sameNearest: number;
}

export async function centreScan(sizes: number[], rounds: number): Promise<CentreScanRow[]> {
	const dir = mkdtempSync(join(tmpdir(), "centre-scan-"));
	writeFileSync(
		join(dir, "wrangler.toml"),
		`name = "centre-scan"\ncompatibility_date = "2025-09-01"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "scan"\ndatabase_id = "scan"\n`,
	);
	const proxy = await getPlatformProxy<{ DB: { prepare(sql: string): { run(): Promise<unknown> } } }>({
		configPath: join(dir, "wrangler.toml"),
		persist: { path: join(dir, "state") },
	});
	const db = proxy.env.DB;
	// The table's own migration: the same table production's D1 has.
	for (const file of ["0002_vectors.sql", "0033_vectors_stamp_index.sql"]) {
		for (const statement of readFileSync(join(REPO, "migrations", file), "utf8").split("--> statement-breakpoint")) await db.prepare(statement).run();
	}
	const rows: CentreScanRow[] = [];
	try {
		for (const n of sizes) {
			const index = new D1VectorIndex(db, "@cf/baai/bge-base-en-v1.5");
			const namespace = `p_${n}:refusal`;
			for (let i = 0; i < n; i += 500) {
				const records = Array.from({ length: Math.min(500, n - i) }, (_, k) => ({
					id: `iss_${n}_${i + k}`,
					namespace,
					values: unitVector(i + k),
					metadata: { issue_id: `iss_${n}_${i + k}`, signal: "refusal" },
				}));
				await index.upsert(records);
			}
			const queries = Array.from({ length: BATCH }, (_, k) => ({ namespace, vector: unitVector(1_000_000 + k) }));
			const times: number[] = [];
			let found: Awaited<ReturnType<VectorIndex["nearest"]>> = [];
			for (let r = 0; r <= rounds; r++) {
				const start = performance.now();
				found = await index.nearest(queries);
				times.push(performance.now() - start);
				if (found.some((m) => !m)) throw new Error("a query found no centre");
			}
			// The exact nearest of each query, by brute force here (every vector is unit length).
			const exact = queries.map(({ vector }) => {
				let best = { id: "", score: -2 };
				for (let c = 0; c < n; c++) {
					const v = unitVector(c);
					let dot = 0;
					for (let d = 0; d < DIMS; d++) dot += vector[d]! * v[d]!;
					if (dot > best.score) best = { id: `iss_${n}_${c}`, score: dot };
				}
				return best;
			});
			const cold = times.shift()!;
			times.sort((a, b) => a - b);
			const median = times[Math.floor(times.length / 2)]!;
			rows.push({
				centres: n,
				coldMs: Math.round(cold),
				warmMs: [Math.round(times[0]!), Math.round(median), Math.round(times.at(-1)!)],
				warmPerEventMs: Math.round((median / BATCH) * 100) / 100,
				bytesRead: n * (DIMS * 4 + 80),
				keptAs: n * DIMS * 4 <= CACHE_BYTES / 4 ? "float32" : n * DIMS <= CACHE_BYTES ? "int8" : "not kept",
				maxScoreError: Math.max(...exact.map((e, k) => Math.abs(found[k]!.score - e.score))),
				sameNearest: exact.filter((e, k) => found[k]!.id === e.id).length / exact.length,
			});
		}
	} finally {
		await proxy.dispose();
		rmSync(dir, { recursive: true, force: true });
	}
	return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const sizes = arg("centres", "100,1000,3000,10000").split(",").map(Number);
	const rows = await centreScan(sizes, Number(arg("rounds", "5")));
	console.log(centreScanTable(rows));
}

export function centreScanTable(rows: CentreScanRow[]): string {
	return [
		"| centres in the namespace | kept in the isolate as | first batch of 100 lookups (namespace read), ms | each later batch (stamp, dot products), ms: min / median / max | per event, ms | bytes of the first read | exact nearest found | largest score error |",
		"|---|---|---|---|---|---|---|---|",
		...rows.map(
			(r) =>
				`| ${r.centres.toLocaleString("en")} | ${r.keptAs} | ${r.coldMs.toLocaleString("en")} | ${r.warmMs.join(" / ")} | ${r.warmPerEventMs} | ${r.bytesRead.toLocaleString("en")} | ${Math.round(r.sameNearest * 100)}% | ${r.maxScoreError.toExponential(1)} |`,
		),
	].join("\n");
}
