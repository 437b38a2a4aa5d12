// `npm run bench`: the sentence encoder alone and the whole in-process detect path on the same
// texts, side by side in one run (the path must keep >= 80% of the encoder's rate: the rest of
// detection costs little beside it), the CLI end to end, peak memory, `npm run demo`'s load
// time when an instance is running (BENCH_DEMO_URL), and the detect worker's drain rate, D1 rows
// read and written per event and memory under a 10x burst at 10k and 100k stored events
// (bench/drain-scale.ts; BENCH_SCALE_EVENTS=1000000 adds 1M stored, BENCH_DRAIN=0 skips it), and
// each API read route's p50 / p95 at 100k stored events (bench/api-scale.ts; BENCH_SCALE_EVENTS
// adds its sizes there too, BENCH_API=0 skips it). Prints the tables, writes docs/benchmarks.md.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeDetector } from "#core/detection/node-detector";
import { useLiteEmbedder } from "#core/embedding/use-lite-node";
import { apiScale } from "./api-scale";
import { eventVectorBackfill } from "./event-vector-backfill";
import { drainScale } from "./drain-scale";
import { syntheticEvents } from "./synthetic-events";

const N = Number(process.env.BENCH_EVENTS ?? 1_000);
const events = syntheticEvents(N);
const rows: [string, string][] = [];
let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

const t0 = performance.now();
const encoder = await useLiteEmbedder();
rows.push(["encoder load (model.json, 7 shards, vocabulary; wasm SIMD backend)", `${(performance.now() - t0).toFixed(0)} ms`]);
const detector = await nodeDetector();
sample();

// The texts the detect path encodes for these events, de-duplicated per batch of 100 events as
// the queue consumer does; the encoder is then timed on exactly those texts.
const BATCH = 100;
const batches = Array.from({ length: Math.ceil(N / BATCH) }, (_, b) => events.slice(b * BATCH, (b + 1) * BATCH));
// The synthetic set repeats its phrases: make every text unique so nothing is cached by accident.
for (const [i, e] of events.entries()) {
	e.input = `${e.input} (${i})`;
	e.output = `${e.output} [${i}]`;
}
const textBatches = batches.map((b) => [...new Set(b.flatMap((e) => detector.textsFor(e)))]);
const textCount = textBatches.reduce((n, b) => n + b.length, 0);

const encoderRuns: number[] = [];
const pathRuns: number[] = [];
await detector.detectBatch(batches[0]!.slice(0, 10));
for (let r = 0; r < 3; r++) {
	// Both start from an empty cache of recent vectors; within a run, repeats hit it in both alike.
	encoder.clearCache();
	let start = performance.now();
	for (const texts of textBatches) {
		await encoder.embed(texts);
		sample();
	}
	encoderRuns.push(N / ((performance.now() - start) / 1000));
	encoder.clearCache();
	start = performance.now();
	for (const b of batches) {
		await detector.detectBatch(b);
		sample();
	}
	pathRuns.push(N / ((performance.now() - start) / 1000));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
const fmt = (x: number) => `${Math.round(x).toLocaleString("en")} events/s`;
rows.push([
	`encoder alone on the detect path's texts (${textCount} texts for ${N} events; median of 3)`,
	`${fmt(median(encoderRuns))} (${Math.round((median(encoderRuns) * textCount) / N).toLocaleString("en")} texts/s)`,
]);
rows.push([`whole detect path in process: rules, context, encoder, 6 models (same events; median of 3)`, fmt(median(pathRuns))]);
rows.push(["detect path / encoder alone", `${((median(pathRuns) / median(encoderRuns)) * 100).toFixed(0)}% (target >= 80%)`]);
rows.push(["peak RSS of this process (model loaded, detection running)", `${(peakRss / 2 ** 20).toFixed(0)} MB`]);

const dir = mkdtempSync(join(tmpdir(), "barometer-bench-"));
try {
	const input = join(dir, "events.jsonl");
	writeFileSync(input, events.map((e) => JSON.stringify(e)).join("\n"));
	const start = performance.now();
	execFileSync("node_modules/.bin/barometer", ["detect", input, "-o", join(dir, "out.jsonl")], { stdio: "inherit" });
	const seconds = (performance.now() - start) / 1000;
	const lines = readFileSync(join(dir, "out.jsonl"), "utf8").trim().split("\n").length;
	if (lines !== N) throw new Error(`CLI wrote ${lines} lines for ${N} events`);
	rows.push([`CLI \`barometer detect\`, ${N} lines, wall time incl. start-up`, `${fmt(N / seconds)} (${seconds.toFixed(2)} s)`]);
} finally {
	rmSync(dir, { recursive: true, force: true });
}

if (process.env.BENCH_DEMO_URL) {
	// The demo loads into a running instance (`npm start`): its own time, as a user sees it.
	const start = performance.now();
	execFileSync("npx", ["tsx", "scripts/demo.ts", "--url", process.env.BENCH_DEMO_URL], { stdio: "inherit" });
	rows.push(["`npm run demo` load time (target < 30 s)", `${((performance.now() - start) / 1000).toFixed(1)} s`]);
}

const table = ["| measure | result |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
console.log(table);

// The queue consumer in workerd on a growing database (issue 21): one fresh local D1 per size.
let drain = "";
if (process.env.BENCH_DRAIN !== "0") {
	const sizes = [10_000, 100_000, ...(process.env.BENCH_SCALE_EVENTS ?? "").split(",").filter(Boolean).map(Number)];
	const { table: drainTable } = await drainScale({ sizes, send: 3000, steadySeconds: 15, burstSeconds: 5, memoryAt: 10_000 });
	console.log(drainTable);
	drain = `\n## Detect drain rate, D1 rows per event and memory at scale\n\nbench/drain-scale.ts: the whole system in \`wrangler dev\` on a fresh local D1 holding N stored events, 3,000 new events posted to ingest, timed until the consumer stored them; rows from D1's meta.rows_read / rows_written of every statement the consumer ran.\n\n${drainTable}\n`;
}
// API read routes on a seeded local D1 (issue 21): 100k events, and each BENCH_SCALE_EVENTS size (1M: seeding takes minutes).
let api = "";
if (process.env.BENCH_API !== "0") {
	const sizes = [100_000, ...(process.env.BENCH_SCALE_EVENTS ?? "").split(",").filter(Boolean).map(Number)];
	const sections: string[] = [];
	for (const events of sizes) {
		const rows = await apiScale({ events, calls: 20, budgetSeconds: 90 });
		sections.push(
			`### ${events.toLocaleString("en")} stored events\n\n| route | status | calls | p50 ms | p95 ms |\n|---|---|---|---|---|\n${rows.join("\n")}`,
		);
	}
	// The event_vectors backfill (migration 0021), on fewer events: its rate does not depend on how many.
	const backfill = await eventVectorBackfill({ events: 2000 });
	api = `\n## API read routes at scale\n\nbench/api-scale.ts: a local D1 seeded with N events (2,000 users over 30 days, ~15% flagged into 60 issues, 40 intents) and their input and output vectors (synthetic, 512-d), the api and detect workers in \`wrangler dev\`, each route called over HTTP (p50 / p95 client side).\n\n${sections.join("\n\n")}\n\nbench/event-vector-backfill.ts: the event_vectors job over N stored events without vectors, one cron tick in \`wrangler dev\` (model load included); then a saved deep search's backfill over the same events, their vectors now stored (issue 16).\n\n| job | events | state | seconds | events/s | result |\n|---|---|---|---|---|---|\n${backfill}\n`;
	console.log(api);
}
mkdirSync("docs", { recursive: true });
writeFileSync(
	"docs/benchmarks.md",
	`# Benchmarks\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, one process on one core of ${cpus()[0]?.model ?? "an unknown CPU"} (${cpus().length} cores), ` +
		`the Universal Sentence Encoder Lite on tfjs 4.22's wasm backend (SIMD, one thread). Events are the seeded synthetic chat events of bench/synthetic-events.ts (1-3 earlier turns each), in batches of ${BATCH} as the queue consumer reads them.\n\n${table}\n${drain}${api}`,
);
