declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		/** Set for every worker project by test/worker-project.ts. */
		ALERT_ENCRYPTION_KEY: string;
	}
}
