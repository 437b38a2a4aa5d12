// `npx tsx bench/event-vector-backfill.ts [--events 2000] [--repo .] [--port 8961]`
//
// The event_vectors backfill's rate (migration 0021): seeds a fresh local D1 with N stored events and
// no vectors (bench/seed-d1.ts), queues the job, starts the detect worker under `wrangler dev
// --test-scheduled` and fires one cron tick with a budget long enough for the whole job, then reads the
// job's progress from the SQLite file until it is done. Prints events/s, model load included. Then the same
// for a saved deep search's backfill over those events (issue 16): their vectors read, scored, detections written.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { env } from "node:process";
import { definitionModel } from "../core/deep-search/loop";
import { USE_LITE_MODEL } from "../core/embedding/use-lite-embedder";
import { runIn, SEED_PROJECT, seedD1 } from "./seed-d1";

const arg = (name: string, fallback: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1]! : fallback;
};

export async function eventVectorBackfill(opts: { events: number; repo?: string; port?: number }): Promise<string> {
	const REPO = resolve(opts.repo ?? ".");
	const PORT = opts.port ?? 8961;
	const state = mkdtempSync(join(tmpdir(), "barometer-backfill-"));
	const { file } = await seedD1({ repo: REPO, state, events: opts.events, keys: [] });
	const sql = (q: string) => runIn(REPO, state, "sqlite3", [file, q]).trim();
	sql(
		`INSERT INTO jobs (id, project_id, kind, state, params, done, created_at, updated_at) VALUES ('job_bench', '${SEED_PROJECT}', 'event_vectors', 'queued', '{}', 0, 0, 0)`,
	);
	const dev = spawn(
		"npx",
		[
			"wrangler",
			"dev",
			"-c",
			"workers/detect/wrangler.toml",
			"--persist-to",
			state,
			"--port",
			String(PORT),
			"--ip",
			"127.0.0.1",
			"--inspector-port",
			String(PORT + 1),
			"--test-scheduled",
			"--var",
			"JOB_BUDGET_MS:3600000",
			"--show-interactive-dev-session=false",
		],
		{ cwd: REPO, env: { ...env, WRANGLER_REGISTRY_PATH: join(state, "registry") }, stdio: ["ignore", "ignore", "inherit"], detached: true },
	);
	try {
		for (const started = Date.now(); ; ) {
			if (Date.now() - started > 120_000) throw new Error("wrangler dev did not start");
			if (
				await fetch(`http://127.0.0.1:${PORT}/`).then(
					() => true,
					() => false,
				)
			)
				break;
			await new Promise((r) => setTimeout(r, 500));
		}
		const lines: string[] = [];
		const t0 = performance.now();
		void fetch(`http://127.0.0.1:${PORT}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => undefined);
		for (;;) {
			await new Promise((r) => setTimeout(r, 500));
			const [jobState, done] = sql("SELECT state, done FROM jobs WHERE id = 'job_bench'").split("|");
			if (jobState === "done" || jobState === "failed") {
				const seconds = (performance.now() - t0) / 1000;
				const vectors = Number(sql(`SELECT count(*) FROM event_vectors WHERE project_id = '${SEED_PROJECT}'`));
				const line = `| event_vectors backfill | ${opts.events} | ${jobState} | ${seconds.toFixed(1)} | ${(Number(done) / seconds).toFixed(0)} | ${vectors} |`;
				console.log(line);
				lines.push(line);
				break;
			}
		}
		// A saved deep search over the same events, now with their vectors: read, score, write its detections. Its
		// definition is one stored reply's vector, so the replies like it match and their detections are written too.
		const hex = sql(`SELECT hex(vector) FROM event_vectors WHERE project_id = '${SEED_PROJECT}' AND part = 'output' ORDER BY seq LIMIT 1`);
		const definition = new Float32Array(Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16))).buffer);
		const model = JSON.stringify(definitionModel(definition, USE_LITE_MODEL, { side: "output" }));
		sql(
			`INSERT INTO deep_searches (id, project_id, definition, definition_vector, embedder, version, saved_version, signal_name, polarity, created_at, updated_at)
			 VALUES ('dsr_bench', '${SEED_PROJECT}', 'bench', zeroblob(2048), '${USE_LITE_MODEL}', 1, 1, 'bench_search', 'negative', 0, 0);
			 INSERT INTO deep_search_versions (search_id, version, kind, model, threshold, calibration, labels, by, at) VALUES ('dsr_bench', 1, 'saved', '${model}', 0.5, '{}', 0, 'bench', 0);
			 INSERT INTO custom_signals (id, project_id, name, description, polarity, field, kind, pattern, case_sensitive, created_at)
			 VALUES ('csig_bench', '${SEED_PROJECT}', 'bench_search', 'bench', 'negative', 'both', 'deep_search', 'dsr_bench', 0, 0);
			 INSERT INTO jobs (id, project_id, kind, state, params, done, created_at, updated_at) VALUES ('job_ds', '${SEED_PROJECT}', 'deep_search', 'queued', '{"search_id":"dsr_bench"}', 0, 0, 0);`,
		);
		const t1 = performance.now();
		void fetch(`http://127.0.0.1:${PORT}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).catch(() => undefined);
		for (;;) {
			await new Promise((r) => setTimeout(r, 500));
			const [jobState, done] = sql("SELECT state, done FROM jobs WHERE id = 'job_ds'").split("|");
			if (jobState === "done" || jobState === "failed") {
				const seconds = (performance.now() - t1) / 1000;
				const matched = Number(sql(`SELECT count(*) FROM detections WHERE project_id = '${SEED_PROJECT}' AND signal = 'bench_search'`));
				const line = `| deep_search backfill (vectors stored) | ${opts.events} | ${jobState} | ${seconds.toFixed(1)} | ${(Number(done) / seconds).toFixed(0)} | ${matched} matched |`;
				console.log(line);
				lines.push(line);
				return lines.join("\n");
			}
		}
	} finally {
		process.kill(-dev.pid!, "SIGTERM");
		rmSync(state, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	eventVectorBackfill({ events: Number(arg("events", "2000")), repo: arg("repo", "."), port: Number(arg("port", "8961")) }).catch((err) => {
		console.error(err);
		process.exit(1);
	});
}
