/// <reference path="./provided-context.d.ts" />
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { startWebhookReceiver } from "./webhook-receiver";

/**
 * Workers that run beside the one under test (the detect consumer behind the real local
 * queue) are loaded as pre-built bundles, made here with wrangler's own bundler. Alert tests
 * send to a real local HTTP receiver started here.
 */
export default async function setup(project: TestProject) {
	const outdir = resolve(".test-build/detect");
	execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir, "-c", "workers/detect/wrangler.toml"], {
		stdio: "pipe",
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
	});
	const receiver = await startWebhookReceiver();
	project.provide("receiverUrl", receiver.url);
	return () => new Promise<void>((done) => receiver.server.close(() => done()));
}
