// A fresh local D1 holding N stored events shaped like production traffic (10,000 users over 30 days,
// conversations of 2-6 turns, ~15% flagged into 60 issues, every input under one of 40 intents, 3%
// with a thumbs down), for bench/api-scale.ts and bench/drain-scale.ts. Rows go straight into the
// SQLite file behind local D1 (sqlite3 CLI) after `wrangler d1 migrations apply`: loading 100k
// events through the queue takes hours. The SQL is streamed to sqlite3 in pieces (1M events is
// ~700 MB of SQL, more than one string can hold).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hashApiKey } from "#core/api-keys";

export const SEED_USERS = 10_000;
export const SEED_DAYS = 30;
const ISSUES = 60;
const INTENTS = 40;
const DAY = 86_400_000;
export const SEED_PROJECT = "prj_bench";

const baseEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

/** Runs a command in `repo` with the state's own dev registry; throws with its output when it fails. */
export function runIn(repo: string, state: string, cmd: string, args: string[], input?: string) {
	const r = spawnSync(cmd, args, {
		cwd: repo,
		env: { ...baseEnv, WRANGLER_REGISTRY_PATH: join(state, "registry") },
		input,
		encoding: "utf8",
		maxBuffer: 1 << 28,
	});
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stdout}${r.stderr}`);
	return r.stdout;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The seeding SQL in pieces of about 5,000 events. Deterministic pseudo-random numbers, so two
 * runs (before / after, or two sizes) read the same data.
 */
function* seedSql(n: number, tables: Set<string>, now: number): Generator<string> {
	// mulberry32, in 32-bit integer arithmetic. The linear congruential generator used before
	// multiplied past 2^53 in doubles, lost precision and fell into a short cycle: only 629 of the
	// 2,000 users ever appeared, and 325 of them held every flagged event.
	let seed = 42;
	const rand = () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const today = Math.floor(now / DAY);
	// A page cache big enough for the indexes of 1M events (per connection; the file is unchanged).
	let out: string[] = ["PRAGMA cache_size = -1000000;", "BEGIN;"];
	out.push(`INSERT INTO projects (id, name, created_at) VALUES ('${SEED_PROJECT}', 'bench', ${now});`);
	for (let k = 0; k < INTENTS; k++)
		out.push(
			`INSERT INTO intents (id, project_id, name, description, model, created_at) VALUES ('int_${k}', '${SEED_PROJECT}', 'intent ${k}', '', 'use-lite-512', ${now});`,
		);
	for (let k = 0; k < ISSUES; k++) {
		out.push(
			`INSERT INTO issues (id, project_id, signal, title, description, model, first_seen, last_seen, created_at) VALUES ('iss_${k}', '${SEED_PROJECT}', '${k % 3 ? "refusal" : "user_frustration"}', 'issue ${k}', '', 'use-lite-512', ${now - SEED_DAYS * DAY}, ${now - (k % 5) * DAY}, ${now - SEED_DAYS * DAY});`,
		);
	}
	const models = ["gpt-4o", "gpt-4o-mini", "claude-3"];
	let i = 0;
	let convo = 0;
	while (i < n) {
		const user = `u${Math.floor(rand() * SEED_USERS)}`;
		const turns = 2 + Math.floor(rand() * 5);
		const start = (today - Math.floor(rand() * SEED_DAYS)) * DAY + Math.floor(rand() * (DAY - 3_600_000));
		const convoId = `c${convo++}`;
		const intent = `int_${Math.floor(rand() * INTENTS)}`;
		for (let t = 0; t < turns && i < n; t++, i++) {
			const id = `e${i}`;
			const ts = start + t * 30_000;
			const day = Math.floor(ts / DAY);
			const model = models[Math.floor(ts / (10 * DAY)) % 3]!;
			const props = JSON.stringify({
				release: `1.${Math.floor(ts / (7 * DAY)) % 10}`,
				prompt_version: `v${Math.floor(ts / (5 * DAY)) % 6}`,
				plan: rand() < 0.3 ? "pro" : "free",
			});
			out.push(
				`INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, convo_id, event, model, input, output, properties) VALUES ('${SEED_PROJECT}', '${id}', ${ts}, ${ts}, '${user}', '${convoId}', 'chat_message', '${model}', ${q(`question ${i} about thing ${i % 97}`)}, ${q(`answer ${i}`)}, ${q(props)});`,
			);
			out.push(`INSERT OR IGNORE INTO user_days (project_id, day, user_id) VALUES ('${SEED_PROJECT}', ${day}, '${user}');`);
			out.push(
				`INSERT INTO event_intents (project_id, event_id, intent_id, user_id, timestamp, day) VALUES ('${SEED_PROJECT}', '${id}', '${t === 0 ? intent : `int_${Math.floor(rand() * INTENTS)}`}', '${user}', ${ts}, ${day});`,
			);
			if (rand() < 0.15) {
				const issue = Math.floor(rand() ** 2 * ISSUES);
				const signal = issue % 3 ? "refusal" : "user_frustration";
				out.push(
					`INSERT INTO detections (project_id, event_id, signal, score, stage, user_id, convo_id, timestamp) VALUES ('${SEED_PROJECT}', '${id}', '${signal}', 0.9, 'rules', '${user}', '${convoId}', ${ts});`,
				);
				out.push(`INSERT OR IGNORE INTO user_signal_days (project_id, day, signal, user_id) VALUES ('${SEED_PROJECT}', ${day}, '${signal}', '${user}');`);
				out.push(
					`INSERT INTO issue_events (project_id, signal, event_id, issue_id, user_id, timestamp, day, similarity) VALUES ('${SEED_PROJECT}', '${signal}', '${id}', 'iss_${issue}', '${user}', ${ts}, ${day}, ${rand().toFixed(3)});`,
				);
			}
			if (rand() < 0.03) {
				out.push(
					`INSERT INTO signals (project_id, signal_id, event_id, signal, timestamp, event_timestamp, received_at, user_id, convo_id) VALUES ('${SEED_PROJECT}', 's${i}', '${id}', 'thumbs_down', ${ts + 5000}, ${ts}, ${ts + 5000}, '${user}', '${convoId}');`,
				);
				out.push(`INSERT OR IGNORE INTO user_signal_days (project_id, day, signal, user_id) VALUES ('${SEED_PROJECT}', ${day}, 'thumbs_down', '${user}');`);
			}
		}
		out.push(`INSERT INTO conversations (project_id, convo_id, user_id, first_seen) VALUES ('${SEED_PROJECT}', '${convoId}', '${user}', ${start});`);
		if (out.length > 20_000) {
			yield out.join("\n") + "\n";
			out = [];
		}
	}
	// The aggregates the detect worker keeps on write, where this checkout has them.
	if (tables.has("event_days"))
		out.push(`INSERT OR REPLACE INTO event_days (project_id, day, events) SELECT project_id, timestamp / ${DAY}, count(*) FROM events GROUP BY 1, 2;`);
	if (tables.has("first_seen_values")) {
		out.push(`INSERT INTO first_seen_values SELECT project_id, 'model', model, min(timestamp) FROM events GROUP BY model;`);
		for (const k of ["release", "prompt_version"])
			out.push(
				`INSERT INTO first_seen_values SELECT project_id, '${k}', CAST(json_extract(properties, '$.${k}') AS TEXT), min(timestamp) FROM events GROUP BY 3;`,
			);
	}
	out.push("COMMIT;");
	yield out.join("\n") + "\n";
}

/**
 * Input and output vectors for every seeded event (event_vectors, migration 0021), as the consumer
 * would have stored them: synthetic 512-d unit vectors around one of 97 topic centres (the events'
 * "thing N"), so the store holds 2 parts per event. Timing does not depend on what the vectors mean.
 */
export async function seedEventVectors(file: string, model = "use-lite-512", dims = 512): Promise<{ rows: number; seconds: number }> {
	const t0 = Date.now();
	const events = execFileSync("sqlite3", [file, `SELECT event_id, timestamp FROM events WHERE project_id = '${SEED_PROJECT}'`], { maxBuffer: 1 << 30 })
		.toString()
		.trim()
		.split("\n")
		.map((line) => line.split("|") as [string, string]);
	let seed = 7;
	const rand = () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
	const centres = Array.from({ length: 97 }, () => Float32Array.from({ length: dims }, gauss));
	const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
	function* rows() {
		yield "BEGIN;\n";
		for (const [i, [id, ts]] of events.entries()) {
			for (const part of ["input", "output"]) {
				const c = centres[i % 97]!;
				const v = Float32Array.from(c, (x) => x + 1.5 * gauss());
				const norm = Math.hypot(...v);
				for (let d = 0; d < dims; d++) v[d]! /= norm;
				const code = new Uint8Array(dims / 8);
				for (let d = 0; d < dims; d++) if (v[d]! > 0) code[d >> 3]! |= 1 << (d & 7);
				yield `INSERT INTO event_vectors (project_id, event_id, part, model, timestamp, code, vector) VALUES ('${SEED_PROJECT}', '${id}', '${part}', '${model}', ${ts}, X'${hex(code)}', X'${hex(new Uint8Array(v.buffer))}');\n`;
			}
		}
		yield "COMMIT;\n";
	}
	await pipeToSqlite(file, rows());
	return { rows: events.length * 2, seconds: (Date.now() - t0) / 1000 };
}

/** Streams the pieces into `sqlite3 file`, waiting whenever its stdin is full. */
async function pipeToSqlite(file: string, pieces: Iterable<string>): Promise<void> {
	const child = spawn("sqlite3", ["-bail", file], { stdio: ["pipe", "ignore", "pipe"] });
	let stderr = "";
	child.stderr.on("data", (d) => (stderr += d));
	const exited = new Promise<number | null>((r) => child.on("close", r));
	for (const piece of pieces) {
		if (!child.stdin.write(piece)) await new Promise((r) => child.stdin.once("drain", r));
	}
	child.stdin.end();
	const code = await exited;
	if (code !== 0 || stderr) throw new Error(`sqlite3 ${file}: exit ${code} ${stderr}`);
}

export interface SeededD1 {
	/** The SQLite file behind the local D1 (under `state`). */
	file: string;
	seconds: number;
	megabytes: number;
}

/**
 * Applies `repo`'s migrations to a local D1 in `state`, writes `events` stored events of
 * SEED_PROJECT into it, and adds the given API keys (hashed, as the api and ingest check them).
 */
export async function seedD1(opts: {
	repo: string;
	state: string;
	events: number;
	keys: { kind: "read" | "write" | "admin"; key: string }[];
}): Promise<SeededD1> {
	const { repo, state } = opts;
	runIn(repo, state, "npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state, "-c", "workers/api/wrangler.toml"]);
	const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
	const file = join(dir, readdirSync(dir).find((f) => f.endsWith(".sqlite"))!);
	const tables = new Set(runIn(repo, state, "sqlite3", [file, "SELECT name FROM sqlite_master WHERE type = 'table'"]).split("\n").filter(Boolean));
	const t0 = Date.now();
	const keys: string[] = [];
	for (const [i, k] of opts.keys.entries()) {
		keys.push(
			`INSERT INTO api_keys (id, project_id, kind, key_hash, key_prefix, name, created_at) VALUES ('key_bench${i ? `_${i}` : ""}', '${SEED_PROJECT}', '${k.kind}', '${await hashApiKey(k.key)}', '${k.key.slice(0, 12)}', 'bench', 0);\n`,
		);
	}
	// The full-text index (migration 0020) uses FTS5's secure-delete, which an sqlite3 CLI older than 3.44
	// cannot write: its insert trigger is dropped while the CLI seeds, then the index is rebuilt and the
	// trigger restored by local D1's own SQLite (wrangler), from the migration's text.
	const ftsTrigger = tables.has("events_fts") ? eventsFtsInsertTrigger(repo) : undefined;
	if (ftsTrigger) runIn(repo, state, "sqlite3", [file, "DROP TRIGGER events_fts_insert"]);
	await pipeToSqlite(
		file,
		(function* () {
			yield* seedSql(opts.events, tables, Date.now());
			yield* keys;
		})(),
	);
	if (ftsTrigger) {
		const sql = `INSERT INTO events_fts(events_fts) VALUES ('rebuild'); ${ftsTrigger}`;
		runIn(repo, state, "npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", state, "-c", "workers/api/wrangler.toml", "--command", sql]);
	}
	const bytes = Number(runIn(repo, state, "sqlite3", [file, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"]));
	return { file, seconds: (Date.now() - t0) / 1000, megabytes: bytes / 1e6 };
}

/** The CREATE TRIGGER events_fts_insert statement of `repo`'s migrations. */
function eventsFtsInsertTrigger(repo: string): string {
	const dir = join(repo, "migrations");
	for (const name of readdirSync(dir).filter((f) => f.endsWith(".sql"))) {
		const statements = readFileSync(join(dir, name), "utf8").split("--> statement-breakpoint");
		const found = statements.find((statement) => statement.includes("CREATE TRIGGER `events_fts_insert`"));
		if (found) return found.slice(found.indexOf("CREATE TRIGGER"));
	}
	throw new Error(`no events_fts_insert trigger in ${dir}`);
}
