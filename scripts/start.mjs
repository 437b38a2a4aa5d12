// `npm start`: the whole system on one localhost URL, offline.
// 1. build the dashboard; 2. apply D1 migrations to the local database; 3. create the local
// project and its keys; 4. run the gateway, ingest, api and detect workers in one wrangler dev.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forgetInstance, instanceFile, recordInstance } from "./local-instance.mjs";
import { localKeys, localProjectSql } from "./local-project.mjs";
import { copySentenceEncoderAssets } from "./sentence-encoder-assets.mjs";

const PORT = Number(process.env.PORT || 8787);
// BAROMETER_STATE: another local database (the end-to-end tests use their own).
const STATE = process.env.BAROMETER_STATE || ".wrangler/state";
const INSPECTOR_PORT = Number(process.env.INSPECTOR_PORT || PORT + 1442);
const CONFIGS = ["dev-gateway", "ingest", "api", "detect"].map((w) => `workers/${w}/wrangler.toml`);
// Each instance gets its own dev registry, so a second `npm start` (or a test run) on this machine
// never binds to this one's workers or consumes its queue.
const env = {
	...process.env,
	WRANGLER_SEND_METRICS: "false",
	CLOUDFLARE_CF_FETCH_ENABLED: "false",
	CI: "true",
	WRANGLER_REGISTRY_PATH: join(STATE, "dev-registry"),
};

function run(command, args) {
	const result = spawnSync(command, args, { stdio: ["ignore", "pipe", "pipe"], env, encoding: "utf8" });
	if (result.status !== 0) {
		process.stderr.write(result.stdout + result.stderr);
		throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
	}
	return result.stdout;
}

// Local secrets: one ALERT_ENCRYPTION_KEY shared by the api and detect workers, made once.
const devVars = ["api", "detect"].map((w) => `workers/${w}/.dev.vars`);
if (!devVars.every((f) => existsSync(f))) {
	const key =
		devVars.map((f) => existsSync(f) && /ALERT_ENCRYPTION_KEY="?([^"\n]+)/.exec(readFileSync(f, "utf8"))?.[1]).find(Boolean) ||
		randomBytes(32).toString("base64");
	for (const f of devVars) if (!existsSync(f)) writeFileSync(f, `# Written by npm start (local development only).\nALERT_ENCRYPTION_KEY="${key}"\n`);
}

const keys = localKeys();
console.log("barometer: building the dashboard…");
run(process.execPath, ["dashboard/build.mjs"]);
// The detect worker reads the sentence encoder's model files through its assets binding.
copySentenceEncoderAssets();
console.log("barometer: applying D1 migrations to the local database…");
run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", STATE, "-c", "workers/api/wrangler.toml"]);
const dir = mkdtempSync(join(tmpdir(), "barometer-"));
try {
	writeFileSync(join(dir, "seed.sql"), localProjectSql(keys));
	run("wrangler", ["d1", "execute", "DB", "--local", "--persist-to", STATE, "-c", "workers/api/wrangler.toml", "--file", join(dir, "seed.sql")]);
} finally {
	rmSync(dir, { recursive: true, force: true });
}

console.log("barometer: starting workers…");
const dev = spawn(
	"wrangler",
	[
		"dev",
		...CONFIGS.flatMap((c) => ["-c", c]),
		"--persist-to",
		STATE,
		"--port",
		String(PORT),
		"--ip",
		"127.0.0.1",
		"--inspector-port",
		String(INSPECTOR_PORT),
		"--show-interactive-dev-session=false",
	],
	{ stdio: ["ignore", "pipe", "pipe"], env },
);
const verbose = process.env.BAROMETER_VERBOSE === "1";
dev.stdout.on("data", (d) => verbose && process.stdout.write(d));
dev.stderr.on("data", (d) => process.stderr.write(d));
// The URL this instance serves, for `npm run demo`, `npm run sample-traffic` and the CLI; gone when it stops.
const INSTANCE_FILE = instanceFile();
process.on("exit", () => forgetInstance(INSTANCE_FILE));
for (const signal of ["SIGINT", "SIGTERM"])
	process.on(signal, () => {
		forgetInstance(INSTANCE_FILE);
		dev.kill(signal);
	});
dev.on("exit", (code) => process.exit(code ?? 0));

const base = `http://localhost:${PORT}`;
for (let i = 0; i < 240; i++) {
	await new Promise((r) => setTimeout(r, 500));
	const ok = await Promise.all(
		["/v1/health", "/api/health"].map((p) =>
			fetch(base + p).then(
				(r) => r.ok,
				() => false,
			),
		),
	);
	if (ok.every(Boolean)) {
		// What the last run acknowledged but never stored (killed with messages in the local queue) goes again.
		const recovery = await fetch(`${base}/__recover-queue`, { method: "POST" })
			.then(async (r) => (r.ok ? r.json() : { error: `HTTP ${r.status}: ${await r.text()}` }))
			.catch((err) => ({ error: String(err) }));
		if (recovery.error) console.error(`barometer: could not re-queue what the last run left unstored (${recovery.error}); the minute pass will retry`);
		else if (recovery.resent) console.log(`barometer: re-queued ${recovery.resent} acknowledged messages the last run had not stored`);
		console.log(`
Barometer is running at ${base}
  Dashboard   ${base}/#key=${keys.admin}
              (read-only: ${base}/#key=${keys.read})
  Ingest API  ${base}/v1/   write key: ${keys.write}
  Read API    ${base}/api/  read key:  ${keys.read}
              admin key (reads and changes settings): ${keys.admin}
Local data lives in ${STATE}. Stop with Ctrl+C.`);
		recordInstance(INSTANCE_FILE, base);
		// Crons do not fire under wrangler dev: run the issue maintenance pass every minute instead.
		setInterval(() => fetch(`${base}/__cron`, { method: "POST" }).catch(() => {}), 60_000).unref();
		break;
	}
	if (i === 239) console.error(`barometer: ${base} did not become healthy; rerun with BAROMETER_VERBOSE=1`);
}
