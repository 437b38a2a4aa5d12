declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		/** Set for every worker project by test/worker-project.ts. */
		ALERT_ENCRYPTION_KEY: string;
		/** The sentence encoder's files: the detect worker's binding; the api test project gets them too (seed-events.ts). */
		USE_LITE_ASSETS: Fetcher;
	}
}
