// `npm run typecheck`: binding types are up to date with each wrangler config, and every
// package type-checks. `npm run types` (--write) regenerates the binding types.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const WORKERS = ["ingest", "detect", "api", "dev-gateway"];
const write = process.argv.includes("--write");
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
let failed = false;

function run(command, args) {
	const result = spawnSync(command, args, { stdio: "inherit", env });
	if (result.status !== 0) failed = true;
}

const envInterface = (worker) => `${worker.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase())}Env`;
for (const worker of WORKERS) {
	const dir = `workers/${worker}`;
	run("wrangler", [
		"types",
		`${dir}/worker-configuration.d.ts`,
		"-c",
		`${dir}/wrangler.toml`,
		"--include-runtime=false",
		"--include-main-module=false",
		"--env-interface",
		envInterface(worker),
		// Secrets are typed from the committed example, never from a developer's own .dev.vars.
		...(existsSync(`${dir}/.dev.vars.example`) ? ["--env-file", ".dev.vars.example"] : []),
		...(write ? [] : ["--check"]),
	]);
}
for (const project of [...WORKERS.map((w) => `workers/${w}`), "dashboard", "."]) run("tsc", ["-p", project]);
if (failed) {
	console.error(write ? "typecheck: failed" : "typecheck: failed (binding types stale? run `npm run types`)");
	process.exit(1);
}
console.log("typecheck: binding types current, all packages type-check");
