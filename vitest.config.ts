import { defineConfig } from "vitest/config";

// One run for everything: pure logic in Node, each worker inside workerd.
// The JSON report is what .ci/run counts.
export default defineConfig({
	test: {
		globalSetup: ["./test/global-setup.ts"],
		reporters: ["default", ["json", { outputFile: ".vitest/results.json" }]],
		projects: [
			"./vitest.node.config.ts",
			"./workers/ingest/vitest.config.ts",
			"./workers/detect/vitest.config.ts",
			"./workers/api/vitest.config.ts",
			"./e2e/vitest.config.ts",
		],
	},
});
