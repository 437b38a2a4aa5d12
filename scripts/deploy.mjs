// `npm run deploy`: ships Barometer to your Cloudflare account (see README, "Deploy to Cloudflare").
// Needs `wrangler login` (or CLOUDFLARE_API_TOKEN) and the D1 id in each worker's [env.production].
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

const WORKERS = ["ingest", "detect", "api"];
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

for (const worker of WORKERS) {
	if (readFileSync(`workers/${worker}/wrangler.toml`, "utf8").includes("REPLACE_WITH_D1_DATABASE_ID")) {
		console.error(`workers/${worker}/wrangler.toml: set [env.production] database_id to the id printed by \`wrangler d1 create barometer\`.`);
		process.exit(1);
	}
}

function step(label, command, args) {
	console.log(`\n== ${label}`);
	const result = spawnSync(command, args, { stdio: "inherit", env });
	if (result.status !== 0) {
		console.error(`deploy: "${label}" failed; nothing after it ran.`);
		process.exit(result.status ?? 1);
	}
}

step("build the dashboard", process.execPath, ["dashboard/build.mjs"]);
// Uploaded as the detect worker's static assets (workers/detect/wrangler.toml, [env.production.assets]).
step("copy the sentence encoder's model files", process.execPath, ["scripts/sentence-encoder-assets.mjs"]);
// Events' long texts (core/event-bodies.ts). Created once; a later deploy finds it.
const buckets = spawnSync("wrangler", ["r2", "bucket", "list"], { env, encoding: "utf8" });
if (buckets.status !== 0 || !/^name:\s+barometer-bodies\s*$/m.test(buckets.stdout))
	step("create the R2 bucket for long texts", "wrangler", ["r2", "bucket", "create", "barometer-bodies"]);
step("apply D1 migrations", "wrangler", ["d1", "migrations", "apply", "DB", "--remote", "--env", "production", "-c", "workers/api/wrangler.toml"]);
// Alert destinations are sealed with ALERT_ENCRYPTION_KEY; api and detect need the same key.
// It is set once (rotating it would make existing rules unreadable): put it yourself, or let
// this script create one on the first deploy.
const secretList = spawnSync("wrangler", ["secret", "list", "--env", "production", "-c", "workers/api/wrangler.toml"], { env, encoding: "utf8" });
if (secretList.status === 0 && !secretList.stdout.includes("ALERT_ENCRYPTION_KEY")) {
	const key = randomBytes(32).toString("base64");
	for (const worker of ["api", "detect"]) {
		console.log(`\n== set ALERT_ENCRYPTION_KEY on ${worker}`);
		const r = spawnSync("wrangler", ["secret", "put", "ALERT_ENCRYPTION_KEY", "--env", "production", "-c", `workers/${worker}/wrangler.toml`], {
			input: key,
			env,
			stdio: ["pipe", "inherit", "inherit"],
		});
		if (r.status !== 0) process.exit(r.status ?? 1);
	}
}
for (const worker of WORKERS) step(`deploy ${worker}`, "wrangler", ["deploy", "--env", "production", "-c", `workers/${worker}/wrangler.toml`]);
step("deploy the dashboard (Pages)", "wrangler", ["pages", "deploy", "dashboard/dist", "--project-name", "barometer-dashboard", "--branch", "main"]);
console.log('\nDeployed. Create a project and its keys with: npm run create-project -- --name "My app" --remote');
