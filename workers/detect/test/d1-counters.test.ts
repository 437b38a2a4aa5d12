import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import * as schema from "#db/schema";
import { countD1 } from "../src/d1-counters";

describe("countD1 (bench/drain-scale.ts's rows read and written)", () => {
	it("counts every statement D1 runs, including drizzle selects (raw(), which drops meta) and batches", async () => {
		const project = `prj_counters_${Date.now()}`;
		const counts = countD1(env.DB);
		await env.DB.prepare("INSERT INTO projects (id, name, created_at) VALUES (?, 'counters', 0)").bind(project).run();
		await env.DB.batch(
			[1, 2].map((i) => env.DB.prepare("INSERT INTO users (project_id, user_id, first_seen, last_seen) VALUES (?, ?, 0, 0)").bind(project, `u${i}`)),
		);
		const direct = await env.DB.prepare("SELECT * FROM users WHERE project_id = ?").bind(project).all();
		const users = await drizzle(env.DB, { schema }).select().from(schema.users).all();
		const c = counts();
		expect(c.counted).toBe(true);
		expect(c.statements).toBe(5);
		expect(c.rowsWritten).toBeGreaterThanOrEqual(3);
		expect(users.length).toBeGreaterThanOrEqual(2);
		const select = c.byStatement.find((s) => s.sql.startsWith('select "project_id"'));
		expect(select?.rowsRead).toBeGreaterThanOrEqual(direct.meta.rows_read);
	});

	it("stops counting once the totals are taken", async () => {
		const counts = countD1(env.DB);
		const c = counts();
		await env.DB.prepare("SELECT 1").all();
		expect(counts().statements).toBe(c.statements);
	});
});
