/// <reference path="./provided-context.d.ts" />
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { copySentenceEncoderAssets } from "../scripts/sentence-encoder-assets.mjs";
import { nodeSentenceVectors } from "./sentence-encoder-fixture";
import { startWebhookReceiver } from "./webhook-receiver";

/**
 * Workers that run beside the one under test (the detect consumer behind the real local
 * queue) are loaded as pre-built bundles, made here with wrangler's own bundler. Alert tests
 * send to a real local HTTP receiver started here. The sentence encoder's model files are copied
 * where the detect worker's assets binding serves them, and its Node vectors computed here for
 * the workerd tests to compare against.
 */
export default async function setup(project: TestProject) {
	copySentenceEncoderAssets();
	const outdir = resolve(".test-build/detect");
	execFileSync("wrangler", ["deploy", "--dry-run", "--outdir", outdir, "-c", "workers/detect/wrangler.toml"], {
		stdio: "pipe",
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
	});
	const receiver = await startWebhookReceiver();
	project.provide("receiverUrl", receiver.url);
	project.provide("sentenceEncoderFixture", await nodeSentenceVectors());
	return () => new Promise<void>((done) => receiver.server.close(() => done()));
}
