// `npx tsx bench/api-scale.ts [--events 100000] [--repo .] [--port 8911] [--calls 20] [--budget-s 90] [--seed-only] [--keep]`
//
// API reads at scale: seeds a fresh local D1 with N events shaped like production traffic (2,000
// users over 30 days, conversations of 2-6 turns, ~15% flagged into issues, every input under an
// intent, explicit feedback on some), starts the api worker of `--repo` on it with `wrangler dev`,
// and times each read route over HTTP: p50 / p95 of `--calls` calls (fewer when a route exceeds
// `--budget-s` seconds in total). `--repo` is a checkout: run it on an older one (git worktree)
// for a before / after. Rows go straight into the SQLite file behind local D1 (sqlite3 CLI),
// after `wrangler d1 migrations apply`: loading 100k events through the queue takes hours.
// `--seed-only` prints the SQLite file's path and keeps it (for EXPLAIN / .timer in sqlite3); `--keep` keeps the state.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { hashApiKey } from "../core/api-keys";

const arg = (name: string, fallback: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1]! : fallback;
};
const N = Number(arg("events", "100000"));
const REPO = resolve(arg("repo", "."));
const PORT = Number(arg("port", "8911"));
const CALLS = Number(arg("calls", "20"));
const BUDGET_MS = Number(arg("budget-s", "90")) * 1000;
const USERS = 2000;
const DAYS = 30;
const ISSUES = 60;
const INTENTS = 40;
const DAY = 86_400_000;
const PROJECT = "prj_bench";
const READ_KEY = "bm_read_bench000000000000000000000000000";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };
const state = mkdtempSync(join(tmpdir(), "barometer-api-scale-"));

function run(cmd: string, args: string[], input?: string) {
	const r = spawnSync(cmd, args, { cwd: REPO, env: { ...env, WRANGLER_REGISTRY_PATH: join(state, "registry") }, input, encoding: "utf8", maxBuffer: 1 << 28 });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stdout}${r.stderr}`);
	return r.stdout;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Deterministic pseudo-random numbers, so two runs (before / after) read the same data. */
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

function seedSql(tables: Set<string>): string {
	const now = Date.now();
	const today = Math.floor(now / DAY);
	const out: string[] = ["BEGIN;"];
	out.push(`INSERT INTO projects (id, name, created_at) VALUES ('${PROJECT}', 'bench', ${now});`);
	for (let k = 0; k < INTENTS; k++) out.push(`INSERT INTO intents (id, project_id, name, description, model, created_at) VALUES ('int_${k}', '${PROJECT}', 'intent ${k}', '', 'use-lite-512', ${now});`);
	for (let k = 0; k < ISSUES; k++) {
		out.push(`INSERT INTO issues (id, project_id, signal, title, description, model, first_seen, last_seen, created_at) VALUES ('iss_${k}', '${PROJECT}', '${k % 3 ? "refusal" : "user_frustration"}', 'issue ${k}', '', 'use-lite-512', ${now - DAYS * DAY}, ${now - (k % 5) * DAY}, ${now - DAYS * DAY});`);
	}
	const models = ["gpt-4o", "gpt-4o-mini", "claude-3"];
	let i = 0;
	let convo = 0;
	while (i < N) {
		const user = `u${Math.floor(rand() * USERS)}`;
		const turns = 2 + Math.floor(rand() * 5);
		const start = (today - Math.floor(rand() * DAYS)) * DAY + Math.floor(rand() * (DAY - 3_600_000));
		const convoId = `c${convo++}`;
		const intent = `int_${Math.floor(rand() * INTENTS)}`;
		for (let t = 0; t < turns && i < N; t++, i++) {
			const id = `e${i}`;
			const ts = start + t * 30_000;
			const day = Math.floor(ts / DAY);
			const model = models[Math.floor(ts / (10 * DAY)) % 3]!;
			const props = JSON.stringify({ release: `1.${Math.floor(ts / (7 * DAY)) % 10}`, prompt_version: `v${Math.floor(ts / (5 * DAY)) % 6}`, plan: rand() < 0.3 ? "pro" : "free" });
			out.push(
				`INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, convo_id, event, model, input, output, properties) VALUES ('${PROJECT}', '${id}', ${ts}, ${ts}, '${user}', '${convoId}', 'chat_message', '${model}', ${q(`question ${i} about thing ${i % 97}`)}, ${q(`answer ${i}`)}, ${q(props)});`,
			);
			out.push(`INSERT OR IGNORE INTO user_days (project_id, day, user_id) VALUES ('${PROJECT}', ${day}, '${user}');`);
			out.push(`INSERT INTO event_intents (project_id, event_id, intent_id, user_id, timestamp, day) VALUES ('${PROJECT}', '${id}', '${t === 0 ? intent : `int_${Math.floor(rand() * INTENTS)}`}', '${user}', ${ts}, ${day});`);
			if (rand() < 0.15) {
				const issue = Math.floor(rand() ** 2 * ISSUES);
				const signal = issue % 3 ? "refusal" : "user_frustration";
				out.push(`INSERT INTO detections (project_id, event_id, signal, score, stage, user_id, convo_id, timestamp) VALUES ('${PROJECT}', '${id}', '${signal}', 0.9, 'rules', '${user}', '${convoId}', ${ts});`);
				out.push(`INSERT OR IGNORE INTO user_signal_days (project_id, day, signal, user_id) VALUES ('${PROJECT}', ${day}, '${signal}', '${user}');`);
				out.push(`INSERT INTO issue_events (project_id, signal, event_id, issue_id, user_id, timestamp, day, similarity) VALUES ('${PROJECT}', '${signal}', '${id}', 'iss_${issue}', '${user}', ${ts}, ${day}, ${rand().toFixed(3)});`);
			}
			if (rand() < 0.03) {
				out.push(`INSERT INTO signals (project_id, signal_id, event_id, signal, timestamp, received_at, user_id, convo_id) VALUES ('${PROJECT}', 's${i}', '${id}', 'thumbs_down', ${ts + 5000}, ${ts + 5000}, '${user}', '${convoId}');`);
				out.push(`INSERT OR IGNORE INTO user_signal_days (project_id, day, signal, user_id) VALUES ('${PROJECT}', ${day}, 'thumbs_down', '${user}');`);
			}
		}
		out.push(`INSERT INTO conversations (project_id, convo_id, user_id, first_seen, last_seen) VALUES ('${PROJECT}', '${convoId}', '${user}', ${start}, ${start + turns * 30_000});`);
	}
	// The aggregates the detect worker keeps on write, where this checkout has them.
	if (tables.has("event_days")) out.push(`INSERT INTO event_days (project_id, day, events) SELECT project_id, timestamp / ${DAY}, count(*) FROM events GROUP BY 1, 2;`);
	if (tables.has("first_seen_values")) {
		out.push(`INSERT INTO first_seen_values SELECT project_id, 'model', model, min(timestamp) FROM events GROUP BY model;`);
		for (const k of ["release", "prompt_version"]) out.push(`INSERT INTO first_seen_values SELECT project_id, '${k}', CAST(json_extract(properties, '$.${k}') AS TEXT), min(timestamp) FROM events GROUP BY 3;`);
	}
	out.push("COMMIT;");
	return out.join("\n");
}

async function waitFor(url: string, ms: number) {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		try {
			await fetch(url);
			return;
		} catch {
			await new Promise((r) => setTimeout(r, 500));
		}
	}
	throw new Error(`${url} did not answer`);
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function main() {
	console.error(`state ${state}; migrating ${REPO}`);
	run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state, "-c", "workers/api/wrangler.toml"]);
	const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
	const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".sqlite"))!);
	const tables = new Set(run("sqlite3", [file, "SELECT name FROM sqlite_master WHERE type = 'table'"]).split("\n").filter(Boolean));
	const t0 = Date.now();
	const sql = seedSql(tables);
	run("sqlite3", [file], sql + `\nINSERT INTO api_keys (id, project_id, kind, key_hash, key_prefix, name, created_at) VALUES ('key_bench', '${PROJECT}', 'read', '${await hashApiKey(READ_KEY)}', 'bm_read_benc', 'bench', 0);\n`);
	console.error(`seeded ${N} events in ${((Date.now() - t0) / 1000).toFixed(1)} s (${(Number(run("sqlite3", [file, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"])) / 1e6).toFixed(0)} MB)`);

	if (process.argv.includes("--seed-only")) {
		console.log(file);
		return;
	}
	const dev = spawn("npx", ["wrangler", "dev", "-c", "workers/api/wrangler.toml", "--persist-to", state, "--port", String(PORT), "--ip", "127.0.0.1", "--inspector-port", String(PORT + 1), "--show-interactive-dev-session=false"], {
		cwd: REPO,
		env: { ...env, WRANGLER_REGISTRY_PATH: join(state, "registry") },
		stdio: ["ignore", "ignore", "inherit"],
		detached: true,
	});
	try {
		await waitFor(`http://127.0.0.1:${PORT}/`, 120_000);
		const biggest = run("sqlite3", [file, "SELECT issue_id FROM issue_events GROUP BY issue_id ORDER BY count(*) DESC LIMIT 1"]).trim();
		const someUser = "u7";
		const routes = [
			"/api/issues",
			`/api/issues/${biggest}`,
			"/api/intents/matrix",
			"/api/intents",
			"/api/signals/rates",
			"/api/project/markers",
			"/api/events?limit=50",
			`/api/events?limit=50&user_id=${someUser}`,
			"/api/events?limit=50&model=claude-3",
		];
		const rows: string[] = [];
		for (const route of routes) {
			const times: number[] = [];
			const started = Date.now();
			let status = 0;
			while (times.length < CALLS && Date.now() - started < BUDGET_MS) {
				const t = performance.now();
				const res = await fetch(`http://127.0.0.1:${PORT}${route}`, { headers: { authorization: `Bearer ${READ_KEY}` }, signal: AbortSignal.timeout(600_000) });
				await res.arrayBuffer();
				times.push(performance.now() - t);
				status = res.status;
			}
			const line = `| \`GET ${route.replace(biggest, ":id (largest issue)").replace(someUser, "<user>")}\` | ${status} | ${times.length} | ${pct(times, 50).toFixed(0)} | ${pct(times, 95).toFixed(0)} |`;
			console.log(line);
			rows.push(line);
		}
		writeFileSync(join(state, "results.md"), rows.join("\n"));
	} finally {
		process.kill(-dev.pid!, "SIGTERM");
		if (!process.argv.includes("--keep")) rmSync(state, { recursive: true, force: true });
	}
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
