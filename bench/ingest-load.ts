// `npx tsx bench/ingest-load.ts [--seconds 8] [--runs 3] [--connections 16]`
//
// Ingest against its runtime's limit (issue 20): `POST /v1/events` of the ingest worker (key check, per-key rate
// limiter, zod validation, redaction, queue send) and a bare worker on the same runtime that only parses the JSON
// and answers 202 (bench/bare-ingest), each in its own `wrangler dev`, loaded by autocannon with the same bodies,
// connections and duration, alternating, batches of 1 and of 100. Ingest runs as production configures it: no
// local queue journal (QUEUE_JOURNAL is a local-durability stand-in for what Cloudflare Queues do before send()
// resolves) and a write limit no run reaches (the limiter is still called on every request); an ack-only consumer
// (bench/queue-drain) keeps the local queue drained.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { seedD1 } from "./seed-d1";
import { syntheticEvents } from "./synthetic-events";
import { configCopy, REPO, startWrangler, writeConfig } from "./wrangler-dev";

const WRITE_KEY = "bm_write_ingestbench000000000000000000";

export type Target = "ingest" | "bare" | "bare + queue";

export interface LoadRun {
	target: Target;
	batch: number;
	requestsPerSecond: number;
	eventsPerSecond: number;
	p50: number;
	p99: number;
	non2xx: number;
}

export interface IngestLoadResult {
	runs: LoadRun[];
	/** Median ingest events/s over median bare events/s, per batch size. */
	ratio: Record<number, number>;
	/** The same over the bare worker that also queues each event. */
	queuedRatio: Record<number, number>;
	connections: number;
	seconds: number;
}

function body(batch: number): string {
	const events = syntheticEvents(batch, 7).map((t, i) => ({
		event_id: `ingest_bench_${i}`,
		user_id: `u${i % 50}`,
		convo_id: `c${i % 20}`,
		event: "chat_message",
		model: "gpt-4o",
		input: t.input,
		output: t.output,
		properties: { plan: i % 4 ? "free" : "pro", release: "2.0.0" },
	}));
	return JSON.stringify({ events });
}

async function load(url: string, payload: string, connections: number, seconds: number) {
	const result = await autocannon({
		url,
		method: "POST",
		headers: { authorization: `Bearer ${WRITE_KEY}`, "content-type": "application/json" },
		body: payload,
		connections,
		duration: seconds,
	});
	return result;
}

export async function ingestLoad(opts: { seconds: number; runs: number; connections: number; batches?: number[] }): Promise<IngestLoadResult> {
	const batches = opts.batches ?? [1, 100];
	const state = mkdtempSync(join(tmpdir(), "barometer-ingest-load-"));
	await seedD1({ repo: REPO, state, events: 0, keys: [{ kind: "write", key: WRITE_KEY }] });
	const ingestConfig = configCopy("workers/ingest", state, (toml) =>
		toml
			.replace(/^QUEUE_JOURNAL = "d1"$/m, "")
			// Only the top level (local) limiter: raised out of reach, still called.
			.replace(/simple = \{ limit = 1000, period = 10 \}/, "simple = { limit = 1000000000, period = 10 }"),
	);
	const drainConfig = writeConfig(
		state,
		"queue-drain",
		`name = "bench-queue-drain"\nmain = "${join(REPO, "bench/queue-drain/index.ts")}"\ncompatibility_date = "2026-11-01"\n\n[[queues.consumers]]\nqueue = "barometer-events"\nmax_batch_size = 100\nmax_batch_timeout = 0.5\n`,
	);
	const bareConfig = writeConfig(
		join(state, "bare"),
		"bare-ingest",
		`name = "bench-bare-ingest"\nmain = "${join(REPO, "bench/bare-ingest/index.ts")}"\ncompatibility_date = "2026-11-01"\n`,
	);
	const ingest = await startWrangler({ configs: [ingestConfig, drainConfig], state, health: ["/v1/health"] });
	const bare = await startWrangler({ configs: [bareConfig], state: join(state, "bare"), health: ["/"] });
	// The bare worker plus a queue send per event and an ack-only consumer: what the local queue broker costs.
	const queued = join(state, "bare-queue");
	const bareQueueConfig = writeConfig(
		queued,
		"bare-queue",
		`name = "bench-bare-queue"\nmain = "${join(REPO, "bench/bare-ingest/index.ts")}"\ncompatibility_date = "2026-11-01"\n\n[[queues.producers]]\nbinding = "EVENTS_QUEUE"\nqueue = "bench-bare-events"\n`,
	);
	const queuedDrain = writeConfig(
		queued,
		"queue-drain",
		`name = "bench-bare-queue-drain"\nmain = "${join(REPO, "bench/queue-drain/index.ts")}"\ncompatibility_date = "2026-11-01"\n\n[[queues.consumers]]\nqueue = "bench-bare-events"\nmax_batch_size = 100\nmax_batch_timeout = 0.5\n`,
	);
	const bareQueue = await startWrangler({ configs: [bareQueueConfig, queuedDrain], state: queued, health: ["/"] });
	const bases: Record<Target, string> = { ingest: ingest.base, bare: bare.base, "bare + queue": bareQueue.base };
	const runs: LoadRun[] = [];
	try {
		for (const batch of batches) {
			const payload = body(batch);
			for (const base of Object.values(bases)) {
				const res = await fetch(`${base}/v1/events`, {
					method: "POST",
					headers: { authorization: `Bearer ${WRITE_KEY}`, "content-type": "application/json" },
					body: payload,
				});
				if (res.status !== 202) throw new Error(`${base}: POST /v1/events -> ${res.status} ${await res.text()}`);
			}
			// Warm-up: isolates, key cache, JIT.
			for (const base of Object.values(bases)) await load(`${base}/v1/events`, payload, opts.connections, 2);
			for (let r = 0; r < opts.runs; r++) {
				// Alternating, and which goes first alternates too.
				const order: Target[] = r % 2 === 0 ? ["ingest", "bare", "bare + queue"] : ["bare + queue", "bare", "ingest"];
				for (const target of order) {
					const base = bases[target];
					const res = await load(`${base}/v1/events`, payload, opts.connections, opts.seconds);
					const run: LoadRun = {
						target,
						batch,
						requestsPerSecond: res.requests.average,
						eventsPerSecond: res.requests.average * batch,
						p50: res.latency.p50,
						p99: res.latency.p99,
						non2xx: res.non2xx + res.errors + res.timeouts,
					};
					console.error(`[ingest-load] ${JSON.stringify(run)}`);
					if (run.non2xx) throw new Error(`${target}: ${run.non2xx} requests failed or were refused (batch ${batch})`);
					runs.push(run);
				}
			}
		}
	} finally {
		await ingest.stop();
		await bare.stop();
		await bareQueue.stop();
		rmSync(state, { recursive: true, force: true });
	}
	const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
	const ratio: Record<number, number> = {};
	const queuedRatio: Record<number, number> = {};
	for (const batch of batches) {
		const of = (t: Target) => median(runs.filter((x) => x.batch === batch && x.target === t).map((x) => x.eventsPerSecond));
		ratio[batch] = of("ingest") / of("bare");
		queuedRatio[batch] = of("ingest") / of("bare + queue");
	}
	return { runs, ratio, queuedRatio, connections: opts.connections, seconds: opts.seconds };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const arg = (name: string, fallback: string) => {
		const i = process.argv.indexOf(`--${name}`);
		return i > 0 ? process.argv[i + 1]! : fallback;
	};
	ingestLoad({
		seconds: Number(arg("seconds", "8")),
		runs: Number(arg("runs", "3")),
		connections: Number(arg("connections", "16")),
		batches: arg("batches", "1,100").split(",").map(Number),
	})
		.then((r) => console.log(JSON.stringify(r.ratio)))
		.catch((err) => {
			console.error(err);
			process.exit(1);
		});
}
