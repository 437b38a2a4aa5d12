// `npx tsx bench/retention-rate.ts --state <dir> [--days 20]`: how fast one maintenance run's retention deletes
// (issue 20, docs/scaling.md). On a copy of a state seeded by `bench/api-scale.ts --seed-only` (30 days of
// events), the project's retention is set to `--days`, the detect worker starts on it alone, and its
// `/internal/retention` (the cron's retention step: rounds of 200 events within a 20 s budget) runs twice;
// events deleted per second of wall time, and what that covers per day at one run every 5 minutes.
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runIn, SEED_PROJECT } from "./seed-d1";
import { REPO, startWrangler } from "./wrangler-dev";

export interface RetentionRate {
	expiredBefore: number;
	runs: { seconds: number; events: number; rowsDeleted: number }[];
	eventsPerSecond: number;
	/** Events one run every 5 minutes removes in a day at that rate, within the 20 s budget. */
	eventsPerDay: number;
}

export async function retentionRate(seeded: string, days = 20): Promise<RetentionRate> {
	const state = mkdtempSync(join(tmpdir(), "barometer-retention-"));
	cpSync(seeded, state, { recursive: true });
	const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
	const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")!);
	const sql = (q: string) => runIn(REPO, state, "sqlite3", [file, q]).trim();
	const cutoff = Date.now() - days * 86_400_000;
	sql(`UPDATE projects SET retention_days = ${days} WHERE id = '${SEED_PROJECT}'`);
	const expiredBefore = Number(sql(`SELECT count(*) FROM events WHERE project_id = '${SEED_PROJECT}' AND timestamp < ${cutoff}`));
	const dev = await startWrangler({ configs: ["workers/detect/wrangler.toml"], state, health: ["/"], anyAnswer: true });
	const runs: RetentionRate["runs"] = [];
	try {
		for (let i = 0; i < 2; i++) {
			const start = performance.now();
			const res = await fetch(`${dev.base}/internal/retention`, { method: "POST", signal: AbortSignal.timeout(300_000) });
			const body = (await res.json()) as { deleted: Record<string, number> }[];
			const deleted = body[0]?.deleted ?? {};
			runs.push({
				seconds: (performance.now() - start) / 1000,
				events: deleted.events ?? 0,
				rowsDeleted: Object.values(deleted).reduce((n, x) => n + x, 0),
			});
		}
	} finally {
		await dev.stop();
		rmSync(state, { recursive: true, force: true });
	}
	const events = runs.reduce((n, r) => n + r.events, 0);
	const seconds = runs.reduce((n, r) => n + r.seconds, 0);
	const eventsPerSecond = events / seconds;
	return { expiredBefore, runs, eventsPerSecond, eventsPerDay: Math.round((events / runs.length) * 288) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const arg = (name: string, fallback: string) => {
		const i = process.argv.indexOf(`--${name}`);
		return i > 0 ? process.argv[i + 1]! : fallback;
	};
	retentionRate(arg("state", ""), Number(arg("days", "20")))
		.then((r) => console.log(JSON.stringify(r)))
		.catch((err) => {
			console.error(err);
			process.exit(1);
		});
}
