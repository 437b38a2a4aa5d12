// `npm run bench`: detection throughput and memory, in process and through the CLI, on one
// core with the embedded embedder. Prints a table and writes docs/benchmarks.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDetector } from "../core/detection/default-detector";
import { syntheticEvents } from "./synthetic-events";

const N = Number(process.env.BENCH_EVENTS ?? 20_000);
const events = syntheticEvents(N);
const rows: [string, string][] = [];

const t0 = performance.now();
const detector = createDetector();
rows.push(["detector start (decode 2.7 MB GloVe table)", `${(performance.now() - t0).toFixed(0)} ms`]);

detector.detect(events[0]!);
const runs: number[] = [];
for (let r = 0; r < 3; r++) {
	const start = performance.now();
	for (const e of events) detector.detect(e);
	runs.push(N / ((performance.now() - start) / 1000));
}
runs.sort((a, b) => a - b);
rows.push([`in-process detect, ${N} events (median of 3)`, `${Math.round(runs[1]!).toLocaleString("en")} events/s`]);
const mem = process.memoryUsage();
rows.push(["memory after detection (RSS / heap used)", `${(mem.rss / 2 ** 20).toFixed(0)} MB / ${(mem.heapUsed / 2 ** 20).toFixed(0)} MB`]);

const dir = mkdtempSync(join(tmpdir(), "barometer-bench-"));
try {
	const input = join(dir, "events.jsonl");
	writeFileSync(input, events.map((e) => JSON.stringify(e)).join("\n"));
	const start = performance.now();
	execFileSync("node_modules/.bin/barometer", ["detect", input, "-o", join(dir, "out.jsonl")], { stdio: "inherit" });
	const seconds = (performance.now() - start) / 1000;
	const lines = readFileSync(join(dir, "out.jsonl"), "utf8").trim().split("\n").length;
	if (lines !== N) throw new Error(`CLI wrote ${lines} lines for ${N} events`);
	rows.push([`CLI \`barometer detect\`, ${N} lines, wall time incl. start-up`, `${Math.round(N / seconds).toLocaleString("en")} events/s (${seconds.toFixed(2)} s)`]);
} finally {
	rmSync(dir, { recursive: true, force: true });
}

const table = ["| measure | result |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
console.log(table);
mkdirSync("docs", { recursive: true });
writeFileSync(
	"docs/benchmarks.md",
	`# Benchmarks\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, one process (one core), embedded GloVe embedder. Target: the CLI at 1,000 events/s or more.\n\n${table}\n`,
);
