import { defineConfig } from "drizzle-kit";

// Migrations are generated offline from the schema and applied by wrangler (`d1 migrations apply`).
export default defineConfig({
	dialect: "sqlite",
	schema: "./db/schema/index.ts",
	out: "./migrations",
});
