// `npm run create-project -- --name "My app" [--remote]`: a new project with a write key and a
// read key. Keys are printed once and stored only as SHA-256 hashes.
// Local by default (the `npm start` database); --remote writes to the production D1.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { projectSql } from "./local-project.mjs";

const { values } = parseArgs({ options: { name: { type: "string" }, remote: { type: "boolean", default: false } } });
if (!values.name) {
	console.error('usage: npm run create-project -- --name "My app" [--remote]');
	process.exit(2);
}
const token = (n) => {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	return [...randomBytes(n * 2)]
		.filter((b) => b < 248)
		.slice(0, n)
		.map((b) => alphabet[b % 62])
		.join("");
};
const projectId = `prj_${token(20)}`;
const keys = { write: `bm_write_${token(32)}`, read: `bm_read_${token(32)}`, admin: `bm_admin_${token(32)}` };
const dir = mkdtempSync(join(tmpdir(), "barometer-"));
try {
	writeFileSync(join(dir, "project.sql"), projectSql({ projectId, name: values.name, keys }));
	// Locally, the database `npm start` uses (BAROMETER_STATE, as for npm start).
	const where = values.remote ? ["--remote", "--env", "production"] : ["--local", "--persist-to", process.env.BAROMETER_STATE || ".wrangler/state"];
	const result = spawnSync("wrangler", ["d1", "execute", "DB", ...where, "-c", "workers/api/wrangler.toml", "--file", join(dir, "project.sql")], {
		stdio: ["ignore", "pipe", "inherit"],
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
	});
	if (result.status !== 0) process.exit(result.status ?? 1);
} finally {
	rmSync(dir, { recursive: true, force: true });
}
console.log(`Project ${values.name} (${projectId})
  write key: ${keys.write}
  read key:  ${keys.read}
  admin key: ${keys.admin}
These keys are shown once; only their hashes are stored.`);
