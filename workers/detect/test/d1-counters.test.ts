import { createExecutionContext, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it, vi } from "vitest";
import * as schema from "#db/schema";
import type { D1Counts } from "#core/metrics/pipeline-counts";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { REFUND_REQUESTS } from "../../shared/test/user-requests";
import worker from "../src";
import { countD1 } from "../src/d1-counters";
import { batchOf, eventMessage } from "./messages";

describe("countD1 (bench/drain-scale.ts's rows read and written)", () => {
	it("counts every statement D1 runs, including drizzle selects (raw(), which drops meta) and batches", async () => {
		const project = `prj_counters_${Date.now()}`;
		const counts = countD1(env.DB);
		await env.DB.prepare("INSERT INTO projects (id, name, created_at) VALUES (?, 'counters', 0)").bind(project).run();
		await env.DB.batch([1, 2].map((i) => env.DB.prepare("INSERT INTO users (project_id, user_id, first_seen) VALUES (?, ?, 0)").bind(project, `u${i}`)));
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

	it("logs a queue batch's D1 rows and its calls to the paid parts when D1_COUNTERS is log", async () => {
		const project = `prj_meter_${Date.now()}`;
		await env.DB.prepare("INSERT INTO projects (id, name, created_at) VALUES (?, 'meter', 0)").bind(project).run();
		const log = vi.spyOn(console, "log");
		try {
			// Four refusals (flagged: grouped) with an input each (intents), so every paid part is asked something.
			const messages = CONTACT_REFUSALS.slice(0, 4).map((output, i) =>
				eventMessage(project, `m${i}`, { user_id: `mu${i}`, convo_id: `mc${i}`, input: REFUND_REQUESTS[i], output }),
			);
			await worker.queue!(batchOf(messages), { ...env, D1_COUNTERS: "log" } as typeof env, createExecutionContext());
			const line = log.mock.calls.map((c) => String(c[0])).find((l) => l.startsWith("d1-counters "));
			const logged = JSON.parse(line!.slice("d1-counters ".length)) as D1Counts & { messages: number; batchMs: number };
			expect(logged).toMatchObject({ counted: true, messages: 4 });
			expect(logged.rowsWritten).toBeGreaterThan(4 * 8);
			expect(logged.encoderTexts).toBeGreaterThanOrEqual(8);
			// The encoder's time is read although workerd's clock stands still while it runs, and is part of the batch's.
			expect(logged.encoderMs).toBeGreaterThan(0);
			expect(logged.encoderMs).toBeLessThanOrEqual(logged.batchMs);
			// Each event's input and output vectors; each input's nearest intent; each refusal's topic embedded for grouping.
			expect(logged.eventVectorsStored).toBe(8);
			expect(logged.indexQueries).toBeGreaterThanOrEqual(4);
			expect(logged.groupingTexts).toBeGreaterThanOrEqual(4);
			expect(logged.groupingChars).toBeGreaterThan(logged.groupingTexts);
			expect(logged.d1Ms).toBeGreaterThanOrEqual(0);
			expect(logged.batchMs).toBeGreaterThanOrEqual(logged.d1Ms);
			expect(logged.eventVectorsRead).toBe(0);
			// A next turn of one of those conversations: its earlier turn's two vectors are read, not encoded.
			log.mockClear();
			const next = eventMessage(project, "m9", { user_id: "mu0", convo_id: "mc0", input: "hmm, ok", output: "Anything else?" });
			await worker.queue!(batchOf([next]), { ...env, D1_COUNTERS: "log" } as typeof env, createExecutionContext());
			const again = log.mock.calls.map((c) => String(c[0])).find((l) => l.startsWith("d1-counters "));
			const second = JSON.parse(again!.slice("d1-counters ".length)) as D1Counts;
			expect(second.eventVectorsRead).toBe(2);
			expect(second.encoderTexts).toBe(2);
		} finally {
			log.mockRestore();
		}
	});
});
