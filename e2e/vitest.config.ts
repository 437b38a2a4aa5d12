import { defineProject } from "vitest/config";

// The dashboard in a real browser (Debian's Chromium via playwright-core) against `npm start`.
export default defineProject({
	test: {
		name: "e2e",
		environment: "node",
		include: ["**/*.e2e.test.ts"],
		globalSetup: ["./start-system.ts"],
		testTimeout: 60_000,
		hookTimeout: 120_000,
		// One browser, one system: the tests run in order and share state (resolve, then see it).
		fileParallelism: false,
		sequence: { concurrent: false },
	},
});
