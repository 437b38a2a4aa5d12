// `npm run bench` (issue 20): every figure side by side in one run, each measured three times (min / median /
// max), written into docs/performance.md between its "npm run bench" markers; the last line printed is one
// JSON object. Sections: ingest against a bare worker (bench/ingest-load.ts), the detect path against the
// encoder alone in one process (bench/detect-in-process.ts), the consumer in workerd at 10k stored events with
// freshness idle and under load and memory under a burst (bench/drain-scale.ts, bench/freshness.ts), the API
// at 1M stored events (bench/api-scale.ts), and the cost model from the demo mix (bench/demo-costs.ts,
// bench/cost-model.ts). Environment: BENCH_API_EVENTS (default 1000000), BENCH_API_STATE (a state kept by
// `bench/api-scale.ts --seed-only`, reused), BENCH_SECTIONS (comma list of ingest,detect,drain,api,texts,cost).
// Takes about 25 minutes on 2 cores; run it where nobody edits the checkout (wrangler dev restarts on edits).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { apiScale, type RouteTiming, timingRow } from "./api-scale";
import { costPerMillion } from "./cost-model";
import { CACHE_BYTES, centreScan, centreScanTable } from "./centre-scan";
import { demoCosts } from "./demo-costs";
import { longTexts, longTextsTable } from "./long-texts";
import { detectInProcess } from "./detect-in-process";
import { drainScale } from "./drain-scale";
import { percentile, type Spread, spread } from "./stats";
import { ingestLoad, type Target } from "./ingest-load";
import { retentionRate } from "./retention-rate";

const SECTIONS = ["ingest", "detect", "drain", "api", "texts", "centres", "cost"];
const sections = new Set((process.env.BENCH_SECTIONS ?? SECTIONS.join(",")).split(","));
const API_EVENTS = Number(process.env.BENCH_API_EVENTS ?? 1_000_000);
const out: string[] = [];
const summary: Record<string, number | null> = {
	ingest_ratio: null,
	freshness_p95_ms: null,
	detect_ratio: null,
	api_p95_ms: null,
	events_stored: null,
	usd_per_million_events: null,
};
const n0 = (x: number) => Math.round(x).toLocaleString("en");
const s3 = (s: Spread, f = n0) => `${f(s.min)} / **${f(s.median)}** / ${f(s.max)}`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

const started = new Date();
const machine = () =>
	`Measured by \`npm run bench\` on ${started.toISOString().slice(0, 10)} (${Math.round((Date.now() - started.getTime()) / 60000)} min): ` +
	`${cpus().length} cores of ${cpus()[0]?.model ?? "an unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ` +
	`wrangler ${JSON.parse(readFileSync("node_modules/wrangler/package.json", "utf8")).version} (workerd), load average ${startLoad} at the start. ` +
	"Three runs of each figure: min / **median** / max. Local runtime: every worker, the local queue broker and D1 (SQLite) share these two cores.";
const startLoad = loadavg()[0]!.toFixed(1);

const BEGIN_MARK = "<!-- npm run bench: begin -->";
const END_MARK = "<!-- npm run bench: end -->";
/** The last run's block: sections not run now keep its text, and the cost reuses its medians. */
const lastBlock = (() => {
	const doc = readFileSync("docs/performance.md", "utf8");
	const at = doc.indexOf(BEGIN_MARK);
	return at >= 0 ? doc.slice(at + BEGIN_MARK.length, doc.indexOf(END_MARK)) : "";
})();
/** A bold median from the last block's row that `row` matches ("a / **b** / c"). */
const lastMedian = (row: RegExp) => Number((row.exec(lastBlock)?.[1] ?? "0").replaceAll(",", ""));

// The cost's CPU terms come from the ingest and detect sections; when they do not run, from the last run of each.
let ingestEventsPerSecond = lastMedian(/^\| 100 \| [\d,]+ \/ \*\*([\d,]+)\*\*/m);
if (sections.has("ingest")) {
	const r = await ingestLoad({ seconds: 8, runs: 3, connections: 16 });
	const rows: string[] = [];
	for (const batch of [1, 100]) {
		const line = (t: Target) => {
			const runs = r.runs.filter((x) => x.batch === batch && x.target === t);
			return `${s3(spread(runs.map((x) => x.eventsPerSecond)))} | ${spread(runs.map((x) => x.p50)).median} / ${spread(runs.map((x) => x.p99)).median}`;
		};
		rows.push(`| ${batch} | ${line("ingest")} | ${line("bare")} | ${line("bare + queue")} | **${pct(r.ratio[batch]!)}** | ${pct(r.queuedRatio[batch]!)} |`);
	}
	ingestEventsPerSecond = spread(r.runs.filter((x) => x.batch === 100 && x.target === "ingest").map((x) => x.eventsPerSecond)).median;
	summary.ingest_ratio = Math.round(Math.min(r.ratio[1]!, r.ratio[100]!) * 100) / 100;
	out.push(
		"## Ingest against the runtime's limit",
		`\`POST /v1/events\` of the ingest worker (key, per-key rate limiter, zod, redaction, queue send; no local journal, as production) against a bare worker that parses the JSON and answers 202, and the same bare worker sending each event to a local queue as ingest does (an ack-only consumer drains both queues), each in its own \`wrangler dev\`, autocannon with ${r.connections} connections for ${r.seconds} s, alternating (bench/ingest-load.ts). Target: ingest >= 80% of the bare worker. Locally the queue broker runs in the same workerd process, on the same two cores; in production a send is a call to Cloudflare's Queues, not the worker's CPU.`,
		"",
		"| events per request | ingest events/s | ingest p50 / p99 ms | bare events/s | bare p50 / p99 ms | bare + queue events/s | bare + queue p50 / p99 ms | ingest / bare | ingest / (bare + queue) |",
		"|---|---|---|---|---|---|---|---|---|",
		...rows,
	);
}

/** The consumer's busy time per event in workerd (its batch time less the wait on D1), from the drain section or the last run's. */
let consumerCpuMs = (() => {
	const rate = lastMedian(/^\| events\/s through queue \+ detect \+ D1 \| [\d,.]+ \/ \*\*([\d,.]+)\*\*/m);
	const d1 = lastMedian(/^\| D1 share of the consumer's batch time[^|]*\| (\d+)%/m);
	return rate ? (1000 / rate) * (1 - d1 / 100) : 0;
})();
const lastPathRate = lastMedian(/^\| whole detect path[^|]*\| [\d,.]+ \/ \*\*([\d,.]+)\*\*/m);
let cpuMsPerEvent = lastPathRate ? 1000 / lastPathRate : 0;
if (sections.has("detect")) {
	const r = await detectInProcess(Number(process.env.BENCH_EVENTS ?? 1000));
	// The path against the encoder alone on the same texts, in one process; the drain section's workerd figure replaces it.
	summary.detect_ratio = Math.round((r.path.median / r.encoder.median) * 100) / 100;
	cpuMsPerEvent = 1000 / r.path.median;
	const f1 = (x: number) => x.toFixed(1);
	out.push(
		"## Detect path in one process",
		`${r.events} synthetic chat events (bench/synthetic-events.ts, every text made unique), batches of 100 as the queue consumer reads them, one core (bench/detect-in-process.ts). The encoder alone runs on exactly the ${r.texts} texts the path encodes.`,
		"",
		"| measure | min / **median** / max |",
		"|---|---|",
		`| encoder alone, events/s | ${s3(r.encoder)} |`,
		`| whole detect path (rules, context, encoder, signal models), events/s | ${s3(r.path)} |`,
		`| path / encoder (target >= 80%) | ${pct(r.path.median / r.encoder.median)} |`,
		"",
		"Where the time goes, per batch of 100 events (medians):",
		"",
		"| part | ms per batch |",
		"|---|---|",
		`| sentence encoder | ${n0(r.perBatchMs.encoder)} |`,
		// The difference of two noisy medians: when the path ran faster than the encoder alone, it is below the noise.
		`| rules, context and the signal models (path minus encoder) | ${r.perBatchMs.classification > 0 ? n0(r.perBatchMs.classification) : "below the runs' noise (the path's median beat the encoder's)"} |`,
		`| clustering the batch's inputs (grouping and intents' CPU) | ${n0(r.perBatchMs.clustering)} |`,
		`| D1 (from the consumer in workerd, below) | see "D1 share" |`,
		"",
		`Memory: the encoder's wasm memory peaks at ${f1(r.isolate.wasmMb)} MB (it grows to the largest model call and never shrinks), the detect path adds ${f1(r.isolate.jsHeapMb)} MB of JS heap after a full GC: ${f1(r.isolate.wasmMb + r.isolate.jsHeapMb)} MB of a Worker isolate's 128 MB, before the worker's own code (docs/sentence-encoder.md measured 27-35 MB of JS heap for the whole detect worker in workerd). Process RSS (Node, tsx) ${n0(r.peakRssMb)} MB. Encoder load ${n0(r.loadMs)} ms.`,
	);
}

if (sections.has("drain")) {
	const { results, table } = await drainScale({
		sizes: [10_000],
		send: 3000,
		steadySeconds: 15,
		burstSeconds: 5,
		memoryAt: 10_000,
		freshnessAt: 10_000,
		probes: 20,
	});
	const r = results[0]!;
	consumerCpuMs = (1000 / r.rates.median) * (1 - r.d1Share);
	const f = r.freshness!;
	const fr = (xs: number[]) => `${n0(percentile(xs, 50))} / ${n0(percentile(xs, 95))}`;
	summary.freshness_p95_ms = Math.round(Math.max(percentile(f.idle.issueMs, 95), percentile(f.loaded.issueMs, 95)));
	// The path's rate over the encoder's on the same texts, in workerd: the encoder's share of the consumer's time.
	if (r.encoderShare > 0) summary.detect_ratio = r.encoderShare;
	out.push(
		"## Detect path in workerd: queue, detect, D1",
		`The whole system in one \`wrangler dev\` on a local D1 holding ${n0(r.stored)} events, 3 rounds of ${n0(3000 / 3)} new events posted in batches of 100, timed until the consumer stored them (bench/drain-scale.ts). Every reply is unique, as real ones are (no encoder cache holds them); half the events start a conversation, a quarter continue one the round before started, a quarter continue a stored one (the seed's events have their vectors, as in production). The consumer is one isolate, one thread: its rate is a core's.`,
		"",
		"| measure | result |",
		"|---|---|",
		`| events/s through queue + detect + D1 | ${s3(r.rates)} |`,
		`| D1 share of the consumer's batch time (awaiting D1) | ${pct(r.d1Share)} |`,
		`| sentence encoder's share of it (the encoder alone on exactly these texts; target >= 80%) | ${pct(r.encoderShare)} |`,
		`| D1 rows read / written / statements per event | ${r.rowsReadPerEvent} / ${r.rowsWrittenPerEvent} / ${r.statementsPerEvent} |`,
		`| per event: encoder texts, grouping texts, index queries, event vectors stored, earlier turns' vectors read | ${r.use.encoderTexts} / ${r.use.groupingTexts} / ${r.use.indexQueries} / ${r.use.eventVectorsStored} / ${r.use.eventVectorsRead} |`,
		"",
		`Freshness (bench/freshness.ts): ${f.idle.probes} probes one after another, each a refusal on a topic with its own issue, from the POST until the API shows the event, its detections, and its issue's user count. Under load: other traffic at ${f.loadRate} events/s (80% of the rate above) meanwhile. The local batch timeout is 0.5 s (production: 2 s). Target p95 <= 2 s.`,
		"",
		"| p50 / p95 ms | event | detections | issue counts |",
		"|---|---|---|---|",
		`| idle | ${fr(f.idle.eventMs)} | ${fr(f.idle.detectionsMs)} | ${fr(f.idle.issueMs)} |`,
		`| under load | ${fr(f.loaded.eventMs)} | ${fr(f.loaded.detectionsMs)} | ${fr(f.loaded.issueMs)} |`,
		"",
		table.slice(table.indexOf("\nMemory at") + 1),
	);
}

if (sections.has("api")) {
	const seeded = process.env.BENCH_API_STATE || mkdtempSync(join(tmpdir(), "barometer-api-scale-"));
	try {
		const rows: RouteTiming[] = await apiScale({
			events: API_EVENTS,
			calls: 20,
			budgetSeconds: 90,
			...(process.env.BENCH_API_STATE ? { reuse: seeded } : { seedInto: seeded }),
		});
		const worst = (kind: RouteTiming["kind"]) => Math.max(...rows.filter((t) => t.kind === kind).map((t) => t.p95));
		summary.api_p95_ms = Math.round(worst("list"));
		summary.events_stored = API_EVENTS;
		out.push(
			`## API at ${n0(API_EVENTS)} stored events`,
			`A local D1 seeded with ${n0(API_EVENTS)} events (10,000 users over 30 days, conversations of 2-6 turns, ~15% flagged into 60 issues, 40 intents, explicit feedback) and their vectors, the api and detect workers in \`wrangler dev\`, each route called 20 times over HTTP (bench/api-scale.ts; client-side ms). Targets: p95 < 200 ms for lists and details, < 500 ms for search.`,
			"",
			"| route | kind | status | calls | p50 ms | p95 ms |",
			"|---|---|---|---|---|---|",
			...rows.map(timingRow),
			"",
			`Worst p95: lists and details ${n0(worst("list"))} ms, search ${n0(worst("search"))} ms.`,
		);
		// Retention on a copy of the same database: how many expired events one maintenance run deletes.
		const r = await retentionRate(seeded, 20);
		out.push(
			"## Retention at scale",
			`A copy of that database with the project's retention set to 20 days (${n0(r.expiredBefore)} events expired), the detect worker's retention step run twice (rounds of 200 events within its 20 s budget; bench/retention-rate.ts): ${r.runs.map((x) => `${n0(x.events)} events (${n0(x.rowsDeleted)} rows) in ${x.seconds.toFixed(1)} s`).join(", ")}; ${n0(r.eventsPerSecond)} events/s, so one run every 5 minutes deletes about ${n0(r.eventsPerDay)} events a day.`,
		);
	} finally {
		if (!process.env.BENCH_API_STATE) rmSync(seeded, { recursive: true, force: true });
	}
}

if (sections.has("texts")) {
	const rows = await longTexts([500, 2_000, 5_000, 20_000], 200);
	out.push(
		"## Stored bytes per event by text length",
		"A fresh system takes 200 events per answer length, each a real model answer of that length (XSTest completions and JailbreakBench responses from ../shared/eval joined) with a real prompt, then 200 with five tool calls of 3,000 characters each; after each round, the D1 file's pages per table (dbstat; the tables only local D1 has left out) and the local R2 objects (bench/long-texts.ts). D1 keeps the first 2,000 characters of a text and 500 of a tool payload; longer ones go whole to R2, one object per queue batch.",
		"",
		...longTextsTable(rows),
	);
}

if (sections.has("centres")) {
	const rows = await centreScan([100, 1_000, 3_000, 10_000], 5);
	out.push(
		"## Nearest issue and intent centres in D1",
		`Issue and intent centres are in D1 (table \`vectors\`), and each flagged event and each input asks for its nearest centre of a namespace (a project's signal, a project's intents). A local D1 in workerd, reached from Node through wrangler's platform proxy (each result crosses a process boundary, so reads are slower than from a worker), holds N random 768-d centres (production's bge-base) in one namespace; a batch of 100 lookups goes through the detect worker's D1VectorIndex: the first reads the namespace into the isolate, the later ones read its stamp and compute the dot products (bench/centre-scan.ts). An isolate keeps up to ${(CACHE_BYTES / 2 ** 20).toFixed(0)} MiB of centres: a namespace as float32 while it takes at most a quarter of that (about 680 centres of 768 dimensions), as int8 above it (about 10,900 centres in the whole budget); one larger still is read on every batch. The last columns compare each lookup with the exact nearest centre, computed apart.`,
		"",
		centreScanTable(rows),
	);
}

if (sections.has("cost")) {
	const counts = await demoCosts();
	// CPU per event: the consumer's busy time per event in workerd on conversational traffic (the drain section's,
	// or the last run's); without one, the detect path's rate on one core, measured on fewer events if need be.
	const cpu = consumerCpuMs || cpuMsPerEvent || 1000 / (await detectInProcess(300, 1)).path.median;
	const ingestCpu = ingestEventsPerSecond ? (2 * 1000) / ingestEventsPerSecond : 0;
	const { terms, total } = costPerMillion({ ...counts, cpuMsPerEvent: cpu + ingestCpu });
	const sorted = [...terms].sort((a, b) => b.usdPerMillion - a.usdPerMillion);
	summary.usd_per_million_events = Math.round(total * 100) / 100;
	out.push(
		"## Cost per million events",
		`\`npm run demo\`'s month (${n0(counts.events)} events, ${n0(counts.queueMessages)} queue messages with feedback and user profiles) loaded into a fresh system whose consumer counts D1's rows and its calls to the paid parts (bench/demo-costs.ts), times Cloudflare's list prices above the included amounts (bench/cost-model.ts cites each page and its date). Production keeps event vectors in Vectorize: their local D1 table is left out of the D1 terms and priced as Vectorize; issue and intent centres are in D1 here as in production (their bytes counted at production's 768 dimensions). Every event is checked; CPU is the consumer's (${cpu.toFixed(1)} ms per event on this core: ${consumerCpuMs ? `its batch time less the wait on D1 in workerd, conversational traffic${sections.has("drain") ? "" : ", from the last drain run"}` : `the detect path in one process${sections.has("detect") ? "" : ", from the last detect run"}`}) plus ingest's (at most ${ingestCpu.toFixed(2)} ms${sections.has("ingest") ? "" : ", from the last ingest run"}). Target <= $5.`,
		"",
		"| term | per event | $ per 1M events |",
		"|---|---|---|",
		...sorted.map((t) => `| ${t.term} | ${t.perEvent} | ${t.usdPerMillion.toFixed(2)} |`),
		`| **total** | | **${total.toFixed(2)}** |`,
		"",
		`Dominant: ${sorted[0]!.term} (${pct(sorted[0]!.usdPerMillion / total)}). D1 rows written per event, by statement (largest first):`,
		"",
		"| rows written / event | rows read / event | statement |",
		"|---|---|---|",
		...counts.topWrites.map((t) => `| ${t.rowsWrittenPerEvent} | ${t.rowsReadPerEvent} | \`${t.sql.slice(0, 110).replace(/\|/g, "\\|")}…\` |`),
	);
}

const doc = readFileSync("docs/performance.md", "utf8");
const at = doc.indexOf(BEGIN_MARK);
const previous = lastBlock;
// Sections not run this time (BENCH_SECTIONS) keep their last text, and the JSON its last figures.
const kept = new Map(
	previous
		.split(/\n(?=## )/)
		.filter((part) => part.startsWith("## "))
		.map((part) => [part.slice(0, part.indexOf("\n")), part.replace(/\n```json[\s\S]*$/, "").trim()]),
);
const lastSummary = /```json\n(.*)\n```/.exec(previous)?.[1];
if (lastSummary) for (const [k, v] of Object.entries(JSON.parse(lastSummary) as Record<string, number | null>)) summary[k] ??= v;
const fresh = out
	.filter((l) => l !== "")
	.join("\n\n")
	.replace(/\|\n\n\|/g, "|\n|");
const ran = new Map(fresh.split(/\n(?=## )/).map((part) => [part.slice(0, part.indexOf("\n")), part.trim()]));
const order = ["## Ingest", "## Detect path in one", "## Detect path in workerd", "## API", "## Retention", "## Stored bytes", "## Cost"];
const titleOrder = (title: string) => order.findIndex((o) => title.startsWith(o));
const sectionsText = [...new Map([...kept, ...ran])]
	.sort((a, b) => titleOrder(a[0]) - titleOrder(b[0]))
	.map(([, text]) => text)
	.join("\n\n");
const block = `${BEGIN_MARK}\n${machine()}${sections.size < SECTIONS.length ? ` This run: ${[...sections].join(", ")}; the other sections are from an earlier run.` : ""}\n\n${sectionsText}\n\n\`\`\`json\n${JSON.stringify(summary)}\n\`\`\`\n${END_MARK}`;
writeFileSync(
	"docs/performance.md",
	at >= 0 ? doc.slice(0, at) + block + doc.slice(doc.indexOf(END_MARK) + END_MARK.length) : doc.replace(/^# Performance\n/, `# Performance\n\n${block}\n`),
);
console.log(out.join("\n\n"));
console.log(JSON.stringify(summary));
