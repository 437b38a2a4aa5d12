// `npm run deploy`: ships Barometer to your Cloudflare account (see README, "Deploy to Cloudflare").
// Needs `wrangler login` (or CLOUDFLARE_API_TOKEN) and the D1 id in each worker's [env.production].
import { spawnSync } from "node:child_process";
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
step("apply D1 migrations", "wrangler", ["d1", "migrations", "apply", "DB", "--remote", "--env", "production", "-c", "workers/api/wrangler.toml"]);
for (const worker of WORKERS) step(`deploy ${worker}`, "wrangler", ["deploy", "--env", "production", "-c", `workers/${worker}/wrangler.toml`]);
step("deploy the dashboard (Pages)", "wrangler", ["pages", "deploy", "dashboard/dist", "--project-name", "barometer-dashboard", "--branch", "main"]);
console.log("\nDeployed. Create a project and its keys with: npm run create-project -- --name \"My app\" --remote");
