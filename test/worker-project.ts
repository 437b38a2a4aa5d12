import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { defineProject } from "vitest/config";

/** The local D1 id every worker config shares, so auxiliary workers see the same database. */
export const LOCAL_D1_ID = "00000000-0000-4000-8000-000000000001";

/**
 * The detect worker as an auxiliary worker, consuming the real local queue: the bundle
 * test/global-setup.ts builds, so it is read when the pool starts (after the global setup).
 */
export function detectConsumer() {
	const dir = resolve(".test-build/detect");
	// Beside index.js: tfjs' wasm binary, imported as a compiled module.
	const wasm = readdirSync(dir).filter((f) => f.endsWith(".wasm"));
	return {
		name: "barometer-detect",
		modules: [{ type: "ESModule", path: join(dir, "index.js") }, ...wasm.map((f) => ({ type: "CompiledWasm", path: join(dir, f) }))],
		modulesRoot: dir,
		compatibilityDate: "2026-11-01",
		d1Databases: { DB: LOCAL_D1_ID },
		// As in workers/detect/wrangler.toml: events' long texts (core/event-bodies.ts).
		r2Buckets: { BODIES: "barometer-bodies" },
		bindings: { DEAD_LETTER_QUEUE_NAME: "barometer-events-dlq", QUEUE_JOURNAL: "d1" },
		queueProducers: { EVENTS_QUEUE: "barometer-events" },
		// As in workers/detect/wrangler.toml: the sentence encoder's files, read through the binding only.
		assets: {
			directory: resolve("models/use-lite"),
			binding: "USE_LITE_ASSETS",
			routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true },
		},
		queueConsumers: {
			"barometer-events": { maxBatchSize: 100, maxBatchTimeout: 0.2, maxRetries: 2, deadLetterQueue: "barometer-events-dlq" },
			"barometer-events-dlq": { maxBatchSize: 100, maxBatchTimeout: 0.2 },
		},
	};
}

/** A fixed key for sealing alert destinations in tests (production: wrangler secret put). */
export const TEST_ALERT_KEY = "dGVzdC1vbmx5LWtleS0zMi1ieXRlcy1sb25nLSEhISE=";

/**
 * A vitest project that runs `worker`'s tests inside workerd with migrations applied. Auxiliary
 * workers given as functions (detectConsumer) are made when the pool starts, after the global setup.
 */
export async function workerProject(worker: string, miniflare: Record<string, unknown> & { workers?: unknown[] } = {}) {
	const migrations = await readD1Migrations(resolve("migrations"));
	return defineProject({
		plugins: [
			cloudflareTest(() => ({
				wrangler: { configPath: resolve(`workers/${worker}/wrangler.toml`) },
				remoteBindings: false,
				miniflare: {
					...miniflare,
					...(miniflare.workers ? { workers: miniflare.workers.map((w) => (typeof w === "function" ? w() : w)) } : {}),
					bindings: {
						TEST_MIGRATIONS: migrations,
						ALERT_ENCRYPTION_KEY: TEST_ALERT_KEY,
						ALERT_WEBHOOK_TIMEOUT_MS: "1000",
						...((miniflare.bindings as object) ?? {}),
					},
				},
			})),
		],
		test: {
			name: worker,
			include: ["test/**/*.test.ts"],
			setupFiles: [resolve("test/apply-migrations.ts")],
		},
	});
}
