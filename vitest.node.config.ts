import { defineProject } from "vitest/config";

export default defineProject({
	test: {
		name: "node",
		environment: "node",
		include: ["core/**/*.test.ts", "dashboard/src/**/*.test.ts", "scripts/**/*.test.ts", "cli/**/*.test.ts", "sdk/**/*.test.ts", "demo/**/*.test.ts"],
	},
});
