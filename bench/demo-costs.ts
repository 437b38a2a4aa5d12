// What the pipeline does per event on the demo mix (issue 20's cost model): `npm run demo`'s month of
// traffic (160 users, 30 days, explicit feedback and user profiles, a regression) loaded into a fresh system
// in `wrangler dev` whose detect worker counts, per queue batch, D1's rows read and written and its calls to
// the encoder, the grouping embedder, the issue vector index and the event vector store (D1_COUNTERS=log).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDemo } from "../demo/load-demo";
import type { PipelineCounts } from "./cost-model";
import { type BatchLog, startSystem } from "./counted-system";
import { seedD1 } from "./seed-d1";
import { REPO } from "./wrangler-dev";

const WRITE_KEY = "bm_write_democost000000000000000000000";
const ADMIN_KEY = "bm_admin_democost000000000000000000000";

export type DemoCounts = Omit<PipelineCounts, "cpuMsPerEvent"> & {
	/** Statements by rows written per event, largest first (production's shape: see LOCAL_ONLY). */
	topWrites: { sql: string; rowsWrittenPerEvent: number; rowsReadPerEvent: number }[];
};

/**
 * Tables that exist in D1 only locally: production keeps every event's vectors in Vectorize (EVENT_VECTORS), whose
 * costs are counted apart, so their D1 rows and bytes are left out of the D1 terms. The local queue journal
 * (QUEUE_JOURNAL = "d1") is local only too. The issue and intent centres (`vectors`) are in D1 in production as
 * here (docs/scaling.md, built item 10), at 768 dimensions where the local encoder's are 512: their bytes count
 * half again.
 */
const LOCAL_ONLY = /\b(event_vectors|queued_payloads)\b/;
const PRODUCTION_CENTRE_SCALE = 768 / 512;

export async function demoCosts(): Promise<DemoCounts> {
	const state = mkdtempSync(join(tmpdir(), "barometer-demo-costs-"));
	const seeded = await seedD1({
		repo: REPO,
		state,
		events: 0,
		keys: [
			{ kind: "write", key: WRITE_KEY },
			{ kind: "admin", key: ADMIN_KEY },
		],
	});
	const sys = await startSystem(state);
	try {
		// Ingest requests, counted as the loader makes them.
		let requests = 0;
		const realFetch = globalThis.fetch;
		globalThis.fetch = (input, init) => {
			if (String(input).includes("/v1/")) requests++;
			return realFetch(input, init);
		};
		let demo: Awaited<ReturnType<typeof loadDemo>>;
		try {
			demo = await loadDemo({ url: sys.base, writeKey: WRITE_KEY, adminKey: ADMIN_KEY, seed: 42 });
		} finally {
			globalThis.fetch = realFetch;
		}
		const batches = sys.batches.filter((b) => b.queue === "barometer-events");
		if (!batches.some((b) => b.counted)) throw new Error("the detect worker logged no D1 counters (workers/detect/src/d1-counters.ts)");
		const sum = (k: keyof BatchLog) => batches.reduce((n, b) => n + (b[k] as number), 0);
		const events = demo.events.length + demo.regression.length;
		const statements = new Map<string, { rowsRead: number; rowsWritten: number }>();
		for (const b of batches)
			for (const st of b.byStatement) {
				if (LOCAL_ONLY.test(st.sql)) continue;
				const t = statements.get(st.sql) ?? { rowsRead: 0, rowsWritten: 0 };
				statements.set(st.sql, { rowsRead: t.rowsRead + st.rowsRead, rowsWritten: t.rowsWritten + st.rowsWritten });
			}
		const total = (k: "rowsRead" | "rowsWritten") => [...statements.values()].reduce((n, x) => n + x[k], 0);
		const bytesOf = (tables: string) =>
			Number(
				spawnSync(
					"sqlite3",
					[seeded.file, `SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name IN (${tables}))`],
					{
						encoding: "utf8",
					},
				).stdout.trim(),
			);
		const localBytes = bytesOf("'event_vectors', 'queued_payloads'") - bytesOf("'vectors'") * (PRODUCTION_CENTRE_SCALE - 1);
		return {
			events,
			queueMessages: sum("messages"),
			consumerBatches: batches.length,
			ingestRequests: requests,
			d1RowsRead: total("rowsRead"),
			d1RowsWritten: total("rowsWritten"),
			d1BytesPerEvent: (statSync(seeded.file).size - localBytes) / events,
			groupingChars: sum("groupingChars"),
			indexQueries: sum("indexQueries"),
			indexUpserts: sum("indexUpserts"),
			eventVectorsStored: sum("eventVectorsStored"),
			eventVectorsRead: sum("eventVectorsRead"),
			llmChecks: 0,
			// The 12 largest by default; COST_TOP=60 lists every statement that writes (how the rows written were traced).
			topWrites: [...statements]
				.sort((a, b) => b[1].rowsWritten - a[1].rowsWritten)
				.slice(0, Number(process.env.COST_TOP ?? 12))
				.map(([sql, x]) => ({
					sql,
					rowsWrittenPerEvent: Math.round((x.rowsWritten / events) * 100) / 100,
					rowsReadPerEvent: Math.round((x.rowsRead / events) * 100) / 100,
				})),
		};
	} finally {
		await sys.stop();
		rmSync(state, { recursive: true, force: true });
	}
}
