import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/**
 * Workers that run beside the one under test (the detect consumer behind the real local
 * queue) are loaded as pre-built bundles, made here with wrangler's own bundler.
 */
export default function buildAuxiliaryWorkers() {
	const outdir = resolve(".test-build/detect");
	execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir, "-c", "workers/detect/wrangler.toml"], {
		stdio: "pipe",
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
	});
}
