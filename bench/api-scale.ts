// `npx tsx bench/api-scale.ts [--events 100000] [--repo .] [--calls 20] [--budget-s 90] [--seed-only] [--keep] [--state <dir>]`
//
// API reads at scale: seeds a fresh local D1 with N events shaped like production traffic (10,000
// users over 30 days, conversations of 2-6 turns, ~15% flagged into issues, every input under an
// intent, explicit feedback on some), starts the api worker of `--repo` on it with `wrangler dev`,
// and times each read route over HTTP: p50 / p95 of `--calls` calls (fewer when a route exceeds
// `--budget-s` seconds in total). `--repo` is a checkout: run it on an older one (git worktree)
// for a before / after. Rows go straight into the SQLite file behind local D1 (bench/seed-d1.ts),
// after `wrangler d1 migrations apply`: loading 100k events through the queue takes hours.
// `--seed-only` prints the SQLite file's path and keeps it (for EXPLAIN / .timer in sqlite3); `--keep` keeps the state.
// `--state <dir>` reuses a state kept by `--seed-only` or `--keep` (pending migrations applied, no seeding; kept after).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runIn, seedD1, seedEventVectors } from "./seed-d1";
import { percentile } from "./stats";
import { startWrangler } from "./wrangler-dev";

const arg = (name: string, fallback: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1]! : fallback;
};
export interface ApiScaleOptions {
	events: number;
	/** The checkout whose api worker is measured. */
	repo?: string;
	calls?: number;
	budgetSeconds?: number;
	/** A state kept by an earlier run (`--seed-only`, `--keep`): pending migrations applied, no seeding, kept after. */
	reuse?: string;
	seedOnly?: boolean;
	keep?: boolean;
	/** Seed into this (empty) directory and keep it, for a caller that uses the database next. */
	seedInto?: string;
}
const READ_KEY = "bm_read_bench000000000000000000000000000";
const ADMIN_KEY = "bm_admin_bench000000000000000000000000000";

/**
 * Deep search over every stored event: one creation (the definition embedded, 300 candidates drawn by meaning
 * and by words, features read, the first fit), then label rounds: each posts the 5 proposed candidates'
 * labels (alternating, as a person might) and waits for the refit, the calibration and the next round.
 */
async function deepSearchRounds(base: string, rounds: number): Promise<RouteTiming[]> {
	const call = async (method: string, path: string, body: unknown) => {
		const t = performance.now();
		const res = await fetch(`${base}${path}`, {
			method,
			headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(600_000),
		});
		const json = (await res.json()) as { data?: { id: string; next: { event_id: string }[] } };
		return { ms: performance.now() - t, status: res.status, data: json.data };
	};
	const created = await call("POST", "/api/deep-searches", { definition: "the user asks a question about thing 42 and the answer misses it" });
	if (!created.data) return [{ route: "POST /api/deep-searches", kind: "deep search", status: created.status, calls: 1, p50: Number.NaN, p95: Number.NaN }];
	const times: number[] = [];
	let next = created.data.next;
	let status = 0;
	for (let round = 0; round < rounds && next.length; round++) {
		const labels = next.map((c, i) => ({ event_id: c.event_id, match: (round + i) % 2 === 0 }));
		const r = await call("POST", `/api/deep-searches/${created.data.id}/labels`, { labels });
		times.push(r.ms);
		status = r.status;
		next = r.data?.next ?? [];
	}
	const rows: RouteTiming[] = [
		{
			route: "POST /api/deep-searches (embed, draw 300 candidates, first fit)",
			kind: "deep search",
			status: created.status,
			calls: 1,
			p50: created.ms,
			p95: created.ms,
		},
		{
			route: "POST /api/deep-searches/:id/labels (one round: 5 labels, refit, calibration, next 5)",
			kind: "deep search",
			status,
			calls: times.length,
			p50: percentile(times, 50),
			p95: percentile(times, 95),
		},
	];
	for (const row of rows) console.log(timingRow(row));
	return rows;
}

export interface RouteTiming {
	route: string;
	/** The targets: p95 < 200 ms for lists and details, < 500 ms for search. */
	kind: "list" | "search" | "deep search";
	status: number;
	calls: number;
	p50: number;
	p95: number;
}

export const timingRow = (t: RouteTiming) => `| \`${t.route}\` | ${t.kind} | ${t.status} | ${t.calls} | ${t.p50.toFixed(0)} | ${t.p95.toFixed(0)} |`;

/** Seeds (or reuses) a local D1 of `events` events, serves it with the api worker, times each read route. */
export async function apiScale(opts: ApiScaleOptions): Promise<RouteTiming[]> {
	const N = opts.events;
	const REPO = resolve(opts.repo ?? ".");
	const CALLS = opts.calls ?? 20;
	const BUDGET_MS = (opts.budgetSeconds ?? 90) * 1000;
	const reused = opts.reuse ?? "";
	const state = reused ? resolve(reused) : (opts.seedInto ?? mkdtempSync(join(tmpdir(), "barometer-api-scale-")));
	const run = (cmd: string, args: string[]) => runIn(REPO, state, cmd, args);
	console.error(`state ${state}; migrating ${REPO}`);
	let file: string;
	if (reused) {
		run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", state, "-c", "workers/api/wrangler.toml"]);
		const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
		file = join(dir, readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")!);
	} else {
		const seeded = await seedD1({
			repo: REPO,
			state,
			events: N,
			keys: [
				{ kind: "read", key: READ_KEY },
				{ kind: "admin", key: ADMIN_KEY },
			],
		});
		file = seeded.file;
		console.error(`seeded ${N} events in ${seeded.seconds.toFixed(1)} s (${seeded.megabytes.toFixed(0)} MB)`);
		const vectors = await seedEventVectors(file);
		console.error(`seeded ${vectors.rows} event vectors in ${vectors.seconds.toFixed(1)} s`);
	}

	if (opts.seedOnly) {
		console.log(file);
		return [];
	}
	// Search by meaning embeds the query with the detect worker's sentence encoder (service binding).
	const dev = await startWrangler({ configs: ["workers/api/wrangler.toml", "workers/detect/wrangler.toml"], state, cwd: REPO, health: ["/"], anyAnswer: true });
	try {
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
			// A detected signal, explicit feedback (3% of events), an intent.
			"/api/events?limit=50&signal=refusal",
			"/api/events?limit=50&signal=thumbs_down",
			"/api/events?limit=50&intent=int_3",
			// Full text (migration 0020): a rare word (~1% of events), a phrase, and a word in every event (the 10,000
			// matches stored last ranked by BM25: the worst case), and the list filtered by a word.
			"/api/events/search?mode=text&q=42&limit=50",
			`/api/events/search?mode=text&q=${encodeURIComponent('"about thing 42"')}&limit=50`,
			"/api/events/search?mode=text&q=thing&limit=50",
			"/api/events?limit=50&q=42",
			// By meaning (migration 0021): the query against every event's input and output vectors (200,000 parts at
			// 100k events: a Hamming scan of the isolate's cached sign codes, then an exact rerank of 400 read from D1);
			// filtered by a user (500 candidates, then SQL); hybrid (FTS5 and meaning, fused).
			`/api/events/search?q=${encodeURIComponent("question about thing 42")}&limit=50`,
			`/api/events/search?q=${encodeURIComponent("question about thing 42")}&limit=50&user_id=${someUser}`,
			`/api/events/search?mode=hybrid&q=${encodeURIComponent("question about thing 42")}&limit=50`,
		];
		const rows: RouteTiming[] = [];
		for (const route of routes) {
			const times: number[] = [];
			const started = Date.now();
			let status = 0;
			while (times.length < CALLS && Date.now() - started < BUDGET_MS) {
				const t = performance.now();
				const res = await fetch(`${dev.base}${route}`, { headers: { authorization: `Bearer ${READ_KEY}` }, signal: AbortSignal.timeout(600_000) });
				await res.arrayBuffer();
				times.push(performance.now() - t);
				status = res.status;
			}
			const timing: RouteTiming = {
				route: `GET ${route.replace(biggest, ":id (largest issue)").replace(someUser, "<user>")}`,
				kind: route.includes("/search") || route.includes("q=") ? "search" : "list",
				status,
				calls: times.length,
				p50: percentile(times, 50),
				p95: percentile(times, 95),
			};
			console.log(timingRow(timing));
			rows.push(timing);
		}
		rows.push(...(await deepSearchRounds(dev.base, CALLS)));
		writeFileSync(join(state, "results.md"), rows.map(timingRow).join("\n"));
		return rows;
	} finally {
		await dev.stop();
		if (!opts.keep && !reused && !opts.seedInto) rmSync(state, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	apiScale({
		events: Number(arg("events", "100000")),
		repo: arg("repo", "."),
		calls: Number(arg("calls", "20")),
		budgetSeconds: Number(arg("budget-s", "90")),
		reuse: arg("state", "") || undefined,
		seedOnly: process.argv.includes("--seed-only"),
		keep: process.argv.includes("--keep"),
	}).catch((err) => {
		console.error(err);
		process.exit(1);
	});
}
