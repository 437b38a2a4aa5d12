// `npx tsx bench/drain-scale.ts [--stored 10000,100000] [--send 3000] [--steady-s 15] [--burst-s 5] [--memory-at 10000] [--freshness-at 10000] [--probes 20] [--out file.md] [--keep]`
//
// The detect worker's drain rate as the database grows (issue 21: rate at 1M stored >= 90% of the
// rate at 10k; reads per event O(batch), not O(stored)). For each size in `--stored`: a fresh local
// D1 with that many stored events (bench/seed-d1.ts), the whole system started on it as `npm start`
// runs it (bench/counted-system.ts), a
// warm-up of 200 events, then `--send` new events (bench/synthetic-events.ts's texts; half continue
// stored conversations, half start new ones) posted to ingest's POST /v1/events in batches of 100
// with a write key. Drain rate: events / (first post -> the consumer's last batch done).
// Rows read and written per event: D1's own meta.rows_read / rows_written of every statement the
// consumer runs, logged per batch by the detect worker when its var D1_COUNTERS is "log" (only this
// bench sets it, in a copy of workers/detect/wrangler.toml; workers/detect/src/d1-counters.ts).
// Memory (at `--memory-at`): peak RSS of the workerd process while events arrive at the measured
// rate for `--steady-s`, then at 10x that rate for `--burst-s` (open loop) and drain.
// Freshness (at `--freshness-at`, `--probes` probes): bench/freshness.ts, idle and with traffic at 80% of the
// measured rate. `npm run bench` runs it at 10,000 stored with freshness and memory. Prints the tables, and with
// --out writes them to a file.
// Run it in a checkout nobody edits meanwhile (a `git worktree` with node_modules linked): wrangler
// dev restarts workerd when a worker's source changes, which empties the local queue mid-run.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { BATCH, backgroundLoad, newEvents, post, sendAll, WRITE_KEY } from "./bench-traffic";
import { type BatchLog, drained, eventsQueue, type System, startSystem } from "./counted-system";
import { seedD1, seedEventVectors } from "./seed-d1";
import { REPO, sleep } from "./wrangler-dev";
import { type FreshnessResult, freshness } from "./freshness";
import { type Spread, spread } from "./stats";

const sum = <K extends keyof BatchLog>(batches: BatchLog[], key: K) => batches.reduce((n, b) => n + (b[key] as number), 0);

export interface DrainScaleOptions {
	/** Stored events before each measurement, one fresh database per size. */
	sizes: number[];
	/** New events sent and timed per size. */
	send: number;
	steadySeconds: number;
	burstSeconds: number;
	/** The size at which memory under a burst is measured. */
	memoryAt: number;
	/** The size at which freshness is measured (bench/freshness.ts), and with how many probes idle and under load. */
	freshnessAt?: number;
	probes?: number;
}

const READ_KEY = "bm_read_bench000000000000000000000000000";
const WARM_UP = 200;

interface SizeResult {
	stored: number;
	seedSeconds: number;
	megabytes: number;
	/** Median of three rounds. */
	eventsPerSecond: number;
	rates: Spread;
	drainSeconds: number;
	/** The machine's 1-minute load average when the drain ended (2 cores: above 2, others were running). */
	load: number;
	batches: number;
	rowsReadPerEvent: number;
	rowsWrittenPerEvent: number;
	statementsPerEvent: number;
	top: { sql: string; calls: number; rowsReadPerEvent: number; rowsWrittenPerEvent: number }[];
	/** The same, largest writes first (D1 bills a written row a thousand times a read one). */
	topWrites: { sql: string; calls: number; rowsReadPerEvent: number; rowsWrittenPerEvent: number }[];
	/** Per event: what the consumer asked of the encoder, the grouping embedder, the vector index and store. */
	use: Pick<BatchLog, "encoderTexts" | "groupingTexts" | "groupingChars" | "indexQueries" | "indexUpserts" | "eventVectorsStored" | "eventVectorsRead">;
	/** Share of the consumer's batch wall time spent awaiting D1. */
	d1Share: number;
	/** The encoder's share of the consumer's batch time: the path's rate over the encoder's alone on the same texts. */
	encoderShare: number;
	memory?: MemoryResult;
	freshness?: { idle: FreshnessResult; loaded: FreshnessResult; loadRate: number };
}

interface MemoryResult {
	idleMb: number;
	steadySeconds: number;
	burstSeconds: number;
	steadyRate: number;
	steadyPeakMb: number;
	burstRate: number;
	burstEvents: number;
	burstPeakMb: number;
	burstDrainSeconds: number;
	afterMb: number;
}

/** Steady arrivals at `rate`, then 10x for a few seconds, both open loop; peak RSS of workerd in each phase. */
async function memoryUnderBurst(sys: System, rate: number, stored: number, opts: DrainScaleOptions): Promise<MemoryResult> {
	const mb = (b: number) => Math.round(b / 2 ** 20);
	const idle = sys.rss();
	let peak = idle;
	const sampler = setInterval(() => (peak = Math.max(peak, sys.rss())), 200);
	const openLoop = async (prefix: string, perSecond: number, seconds: number) => {
		const requests = Math.max(1, Math.round((perSecond * seconds) / BATCH));
		const events = newEvents(prefix, requests * BATCH, stored);
		const start = performance.now();
		await Promise.all(
			Array.from({ length: requests }, async (_, r) => {
				await sleep(Math.max(0, start + (r * BATCH * 1000) / perSecond - performance.now()));
				await post(sys.base, events.slice(r * BATCH, (r + 1) * BATCH));
			}),
		);
		return requests * BATCH;
	};
	try {
		let from = sys.batches.length;
		const steadyEvents = await openLoop("steady", rate, opts.steadySeconds);
		await drained(sys, from, steadyEvents);
		const steadyPeak = peak;
		from = sys.batches.length;
		const burstStart = performance.now();
		const burstEvents = await openLoop("burst", rate * 10, opts.burstSeconds);
		const end = await drained(sys, from, burstEvents);
		return {
			idleMb: mb(idle),
			steadySeconds: opts.steadySeconds,
			burstSeconds: opts.burstSeconds,
			steadyRate: Math.round(rate),
			steadyPeakMb: mb(steadyPeak),
			burstRate: Math.round(rate * 10),
			burstEvents,
			burstPeakMb: mb(peak),
			burstDrainSeconds: Math.round((end - burstStart) / 100) / 10,
			afterMb: mb(sys.rss()),
		};
	} finally {
		clearInterval(sampler);
	}
}

async function measure(stored: number, opts: DrainScaleOptions): Promise<SizeResult> {
	const state = mkdtempSync(join(tmpdir(), "barometer-drain-scale-"));
	console.error(`[${stored}] state ${state}: seeding`);
	const seeded = await seedD1({
		repo: REPO,
		state,
		events: stored,
		keys: [
			{ kind: "write", key: WRITE_KEY },
			{ kind: "read", key: READ_KEY },
		],
	});
	// Every stored event has its vectors, as in production: a turn that continues a stored conversation finds them.
	const vectors = await seedEventVectors(seeded.file);
	console.error(`[${stored}] seeded in ${seeded.seconds.toFixed(1)} s (${seeded.megabytes.toFixed(0)} MB), ${vectors.rows} event vectors; starting the system`);
	const sys = await startSystem(state);
	try {
		// Warm-up: the isolate, the sentence encoder's weights and the first batch's costs stay out of the rate.
		let from = sys.batches.length;
		await sendAll(sys.base, newEvents("warm", WARM_UP, stored, {}));
		await drained(sys, from, WARM_UP);
		if (!sys.batches.some((b) => b.counted))
			throw new Error("the detect worker logged no D1 counters: workerd's D1 binding changed shape (workers/detect/src/d1-counters.ts)");
		// Three rounds of a third each: min / median / max of the rate.
		from = sys.batches.length;
		const rates: number[] = [];
		const perRound = Math.ceil(opts.send / 3 / BATCH) * BATCH;
		let drainMs = 0;
		for (let round = 0; round < 3; round++) {
			const roundFrom = sys.batches.length;
			const start = performance.now();
			// Each round continues the conversations the round before it started (the warm-up's, for the first).
			const earlier = round === 0 ? { prefix: "warm", n: WARM_UP } : { prefix: `new${stored}r${round - 1}`, n: perRound };
			await sendAll(sys.base, newEvents(`new${stored}r${round}`, perRound, stored, { continues: earlier }));
			const end = await drained(sys, roundFrom, perRound);
			rates.push(perRound / ((end - start) / 1000));
			drainMs += end - start;
		}
		const measured = sys.batches.slice(from).filter(eventsQueue);
		const events = measured.reduce((n, b) => n + b.messages, 0);
		const byStatement = new Map<string, { calls: number; rowsRead: number; rowsWritten: number }>();
		for (const b of measured)
			for (const s of b.byStatement) {
				const t = byStatement.get(s.sql) ?? { calls: 0, rowsRead: 0, rowsWritten: 0 };
				byStatement.set(s.sql, { calls: t.calls + s.calls, rowsRead: t.rowsRead + s.rowsRead, rowsWritten: t.rowsWritten + s.rowsWritten });
			}
		const per = (x: number) => Math.round((x / events) * 100) / 100;
		const result: SizeResult = {
			stored,
			seedSeconds: Math.round(seeded.seconds),
			megabytes: Math.round(seeded.megabytes),
			eventsPerSecond: Math.round(spread(rates).median),
			rates: spread(rates),
			drainSeconds: Math.round(drainMs / 100) / 10,
			load: Math.round(loadavg()[0]! * 10) / 10,
			batches: measured.length,
			rowsReadPerEvent: per(measured.reduce((n, b) => n + b.rowsRead, 0)),
			rowsWrittenPerEvent: per(measured.reduce((n, b) => n + b.rowsWritten, 0)),
			statementsPerEvent: per(measured.reduce((n, b) => n + b.statements, 0)),
			use: {
				encoderTexts: per(sum(measured, "encoderTexts")),
				groupingTexts: per(sum(measured, "groupingTexts")),
				groupingChars: per(sum(measured, "groupingChars")),
				indexQueries: per(sum(measured, "indexQueries")),
				indexUpserts: per(sum(measured, "indexUpserts")),
				eventVectorsStored: per(sum(measured, "eventVectorsStored")),
				eventVectorsRead: per(sum(measured, "eventVectorsRead")),
			},
			d1Share: Math.round((sum(measured, "d1Ms") / Math.max(1, sum(measured, "batchMs"))) * 100) / 100,
			encoderShare: Math.round((sum(measured, "encoderMs") / Math.max(1, sum(measured, "batchMs"))) * 100) / 100,
			top: [...byStatement]
				.sort((a, b) => b[1].rowsRead - a[1].rowsRead)
				.slice(0, 8)
				.map(([sql, s]) => ({ sql, calls: s.calls, rowsReadPerEvent: per(s.rowsRead), rowsWrittenPerEvent: per(s.rowsWritten) })),
			topWrites: [...byStatement]
				.sort((a, b) => b[1].rowsWritten - a[1].rowsWritten)
				.slice(0, 12)
				.map(([sql, s]) => ({ sql, calls: s.calls, rowsReadPerEvent: per(s.rowsRead), rowsWrittenPerEvent: per(s.rowsWritten) })),
		};
		console.error(`[${stored}] ${JSON.stringify(result)}`);
		if (stored === opts.freshnessAt) {
			const keys = { write: WRITE_KEY, read: READ_KEY };
			const probes = opts.probes ?? 20;
			// A probe that never shows up (seen once, in the first run after issue 20's centres moved to D1) leaves the
			// workers' last lines in a file, since the system and its state are gone after the run.
			const logged = <T>(run: Promise<T>) =>
				run.catch((err: Error) => {
					const file = join(tmpdir(), `drain-scale-failure-${Date.now()}.log`);
					writeFileSync(file, sys.recentLog().join("\n"));
					throw new Error(`${err.message} (the workers' last lines: ${file})`);
				});
			const idle = await logged(freshness(sys.base, keys, seeded.file, `fresh_idle_${stored}`, probes));
			// Under load: other traffic at 80% of the rate just measured, which the consumer keeps up with.
			const loadRate = Math.round(result.eventsPerSecond * 0.8);
			const from = sys.batches.length;
			const background = backgroundLoad(sys.base, loadRate, stored);
			const loaded = await logged(freshness(sys.base, keys, seeded.file, `fresh_load_${stored}`, probes));
			await drained(sys, from, (await background.stop()) + probes + 4);
			result.freshness = { idle, loaded, loadRate };
			console.error(`[${stored}] freshness ${JSON.stringify(result.freshness)}`);
		}
		if (stored === opts.memoryAt) {
			result.memory = await memoryUnderBurst(sys, result.eventsPerSecond, stored, opts);
			console.error(`[${stored}] memory ${JSON.stringify(result.memory)}`);
		}
		return result;
	} finally {
		await sys.stop();
		if (!process.argv.includes("--keep")) rmSync(state, { recursive: true, force: true });
	}
}

export function drainTables(results: SizeResult[]): string {
	const base = results[0]!;
	const lines = [
		"| stored events | drain rate (events/s) | vs first size | rows read / event | rows written / event | statements / event | batches | load average |",
		"|---|---|---|---|---|---|---|---|",
		...results.map(
			(r) =>
				`| ${r.stored.toLocaleString("en")} | ${r.eventsPerSecond} | ${((r.eventsPerSecond / base.eventsPerSecond) * 100).toFixed(0)}% | ${r.rowsReadPerEvent} | ${r.rowsWrittenPerEvent} | ${r.statementsPerEvent} | ${r.batches} | ${r.load} |`,
		),
		"",
		"Rows read per event by statement (largest first), per size:",
		"",
		"| statement (first 160 characters) | " + results.map((r) => `${r.stored.toLocaleString("en")} stored`).join(" | ") + " |",
		"|---|" + results.map(() => "---|").join(""),
	];
	const sqls = [...new Set(results.flatMap((r) => r.top.map((t) => t.sql)))];
	for (const sql of sqls)
		lines.push(`| \`${sql.replace(/\|/g, "\\|")}\` | ${results.map((r) => r.top.find((t) => t.sql === sql)?.rowsReadPerEvent ?? "-").join(" | ")} |`);
	for (const r of results.filter((x) => x.memory)) {
		const m = r.memory!;
		lines.push(
			"",
			`Memory at ${r.stored.toLocaleString("en")} stored (RSS of workerd): idle ${m.idleMb} MB; steady ${m.steadyRate} events/s for ${m.steadySeconds} s: peak ${m.steadyPeakMb} MB; ` +
				`burst ${m.burstRate} events/s for ${m.burstSeconds} s (${m.burstEvents} events): peak ${m.burstPeakMb} MB, drained ${m.burstDrainSeconds} s after the burst began; after: ${m.afterMb} MB.`,
		);
	}
	return lines.join("\n");
}

export async function drainScale(opts: DrainScaleOptions): Promise<{ results: SizeResult[]; table: string }> {
	const results: SizeResult[] = [];
	for (const size of opts.sizes) results.push(await measure(size, opts));
	return { results, table: drainTables(results) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const arg = (name: string, fallback: string) => {
		const i = process.argv.indexOf(`--${name}`);
		return i > 0 ? process.argv[i + 1]! : fallback;
	};
	const sizes = arg("stored", "10000,100000").split(",").map(Number);
	const out = arg("out", "");
	drainScale({
		sizes,
		send: Number(arg("send", "3000")),
		steadySeconds: Number(arg("steady-s", "15")),
		burstSeconds: Number(arg("burst-s", "5")),
		memoryAt: Number(arg("memory-at", String(sizes[0]))),
		freshnessAt: Number(arg("freshness-at", "0")),
		probes: Number(arg("probes", "20")),
	})
		.then(({ table }) => {
			console.log(table);
			if (out) writeFileSync(out, table + "\n");
		})
		.catch((err) => {
			console.error(err);
			process.exit(1);
		});
}
