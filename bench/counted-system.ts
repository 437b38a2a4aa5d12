// The whole system as `npm start` runs it (gateway, ingest, api, detect in one `wrangler dev`, own dev registry,
// free ports) on a given state, with the detect worker logging each queue batch's D1 rows and paid calls
// (D1_COUNTERS=log; workers/detect/src/d1-counters.ts): for bench/drain-scale.ts and bench/demo-costs.ts.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { D1Counts } from "#core/metrics/pipeline-counts";
import { copySentenceEncoderAssets } from "../scripts/sentence-encoder-assets.mjs";
import { configCopy, REPO, sleep, startWrangler } from "./wrangler-dev";

/** workers/detect/wrangler.toml with D1_COUNTERS = "log", in the state directory. */
export function detectConfig(state: string): string {
	const file = configCopy("workers/detect", state, (toml) => {
		const out = toml.replace(/^\[vars\]$/m, '[vars]\nD1_COUNTERS = "log"');
		if (!out.includes('D1_COUNTERS = "log"')) throw new Error("workers/detect/wrangler.toml has no [vars] table to add D1_COUNTERS to");
		return out;
	});
	// The alert key the worker expects (npm start and the tests write workers/detect/.dev.vars).
	const dir = join(REPO, "workers/detect");
	if (existsSync(join(dir, ".dev.vars"))) copyFileSync(join(dir, ".dev.vars"), join(state, "detect", ".dev.vars"));
	else writeFileSync(join(state, "detect", ".dev.vars"), `ALERT_ENCRYPTION_KEY="${Buffer.alloc(32, 7).toString("base64")}"\n`);
	return file;
}

/** One queue batch as the detect worker logs it under D1_COUNTERS=log. */
export interface BatchLog extends D1Counts {
	at: number;
	queue: string;
	messages: number;
	batchMs: number;
}

export interface System {
	base: string;
	batches: BatchLog[];
	/** The workers' last 500 lines of output (the counters' lines left out), for a run that failed. */
	recentLog: () => string[];
	/** Resident memory of the workerd processes of this system, in bytes. */
	rss: () => number;
	stop: () => Promise<void>;
}

export async function startSystem(state: string): Promise<System> {
	if (!existsSync(join(REPO, "dashboard/dist/index.html"))) spawnSync(process.execPath, ["dashboard/build.mjs"], { stdio: "inherit" });
	copySentenceEncoderAssets();
	const batches: BatchLog[] = [];
	const recent: string[] = [];
	const dev = await startWrangler({
		configs: ["workers/dev-gateway/wrangler.toml", "workers/ingest/wrangler.toml", "workers/api/wrangler.toml", detectConfig(state)],
		state,
		health: ["/v1/health", "/api/health"],
		onLine: (line) => {
			const at = line.indexOf("d1-counters {");
			if (at >= 0) batches.push({ at: performance.now(), ...(JSON.parse(line.slice(at + "d1-counters ".length)) as Omit<BatchLog, "at">) });
			else if (recent.push(`${new Date().toISOString()} ${line}`) > 500) recent.shift();
		},
	});
	return { ...dev, batches, recentLog: () => [...recent] };
}

export const eventsQueue = (b: BatchLog) => b.queue === "barometer-events";
const storedSince = (sys: System, from: number) =>
	sys.batches
		.slice(from)
		.filter(eventsQueue)
		.reduce((n, b) => n + b.messages, 0);

/** Waits until the consumer has finished batches holding `n` messages since batch index `from`; returns when the last one ended. */
export async function drained(sys: System, from: number, n: number, timeoutMs = 1_800_000): Promise<number> {
	const until = Date.now() + timeoutMs;
	while (storedSince(sys, from) < n) {
		if (Date.now() > until) throw new Error(`only ${storedSince(sys, from)} of ${n} events stored after ${timeoutMs / 1000} s`);
		await sleep(100);
	}
	return sys.batches.filter(eventsQueue).at(-1)!.at;
}
