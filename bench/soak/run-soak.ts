// `npm run soak [-- --quick]`: the reliability soak (not part of npm test). Starts its own instance
// (`npm start` on a fresh state directory and a free port), runs every part, prints a summary and writes
// docs/reliability.md. Counts: SOAK_BODIES (per write endpoint, 10,000), SOAK_QUERIES (per read route,
// 1,000), SOAK_FAULT_ROUNDS (50), SOAK_KILL_EVENTS (2,000), SOAK_KILL_ROUNDS (1), SOAK_SUSTAIN_SECONDS
// (20), SOAK_BURST_SECONDS (5), SOAK_SEED; --quick runs 300 bodies, 100 queries, 3 fault rounds.
// SOAK_ONLY=faults,writes,reads,matrix,burst,kill runs some parts.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { type RunningSystem, startSystem } from "../../e2e/start-system";
import { burst, type BurstResult } from "./burst";
import { type FaultRounds, runFaultRounds } from "./fault-rounds";
import { type KillRound, killAndRestart } from "./kill-restart";
import { fuzzReads, type Ids, type ReadFuzzResult, readRoutes } from "./read-fuzz";
import { renderReport, type SoakReport } from "./reliability-report";
import { bearer, jsonHeaders, refusalsSeen, rotation, send } from "./soak-client";
import { type StoredCheck, waitStoredOnce } from "./stored-once";
import { type MatrixResult, matrixRoutes, runMatrix } from "./tenant-matrix";
import { fuzzWrites, SOAK_USERS, type WriteFuzzResult } from "./write-fuzz";

const quick = process.argv.includes("--quick");
const num = (name: string, normal: number, fast: number) => Number(process.env[name] ?? (quick ? fast : normal));
const config = {
	bodies: num("SOAK_BODIES", 10_000, 300),
	queries: num("SOAK_QUERIES", 1_000, 100),
	faultRounds: num("SOAK_FAULT_ROUNDS", 50, 3),
	killEvents: num("SOAK_KILL_EVENTS", 2_000, 300),
	killRounds: num("SOAK_KILL_ROUNDS", 1, 1),
	sustainSeconds: num("SOAK_SUSTAIN_SECONDS", 20, 5),
	burstSeconds: num("SOAK_BURST_SECONDS", 5, 2),
	seed: num("SOAK_SEED", 20261206, 20261206),
};
const only = new Set((process.env.SOAK_ONLY ?? "faults,writes,reads,matrix,burst,kill").split(","));

const STATE = ".wrangler/soak-state";
const KEYS = { write: "bm_write_localdev00000000000000000000", read: "bm_read_localdev000000000000000000000", admin: "bm_admin_localdev00000000000000000000" };

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const token = () => randomBytes(24).toString("hex");
const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A second project for the tenant matrix, written straight to the local D1 (keys hashed as the api stores them). */
function createOtherProject(): { write: string; read: string; admin: string } {
	const keys = { write: `bm_write_${token()}`, read: `bm_read_${token()}`, admin: `bm_admin_${token()}` };
	const now = Date.now();
	const sql = [
		`INSERT INTO projects (id, name, created_at) VALUES ('prj_soak_other', 'Soak other project', ${now}) ON CONFLICT(id) DO NOTHING;`,
		...Object.entries(keys).map(
			([kind, key]) =>
				`INSERT INTO api_keys (id, project_id, kind, key_hash, key_prefix, name, created_at, revoked_at) VALUES (${quote(`key_${sha256(key).slice(0, 20)}`)}, 'prj_soak_other', ${quote(kind)}, ${quote(sha256(key))}, ${quote(key.slice(0, 12))}, ${quote(`soak ${kind} key`)}, ${now}, NULL);`,
		),
	].join("\n");
	execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", STATE, "-c", "workers/api/wrangler.toml", "--command", sql], {
		stdio: "pipe",
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
	});
	return keys;
}

async function createKey(base: string, kind: string, name: string): Promise<{ id: string; key: string }> {
	const answer = await send(base, { method: "POST", path: "/api/project/keys", headers: jsonHeaders(KEYS.admin), body: JSON.stringify({ kind, name }) });
	if (answer.status !== 201) throw new Error(`creating a ${kind} key answered ${answer.status}: ${answer.text}`);
	return (answer.body as { data: { id: string; key: string } }).data;
}

async function firstId(base: string, path: string, field = "id"): Promise<string | null> {
	const answer = await send(base, { method: "GET", path, headers: bearer(KEYS.admin) });
	const data = (answer.body as { data?: Record<string, unknown>[] } | null)?.data;
	return Array.isArray(data) && data[0] && typeof data[0][field] === "string" ? (data[0][field] as string) : null;
}

async function create(base: string, path: string, body: unknown): Promise<string | null> {
	const answer = await send(base, { method: "POST", path, headers: jsonHeaders(KEYS.admin), body: JSON.stringify(body) });
	return (answer.body as { data?: { id?: string } } | null)?.data?.id ?? null;
}

async function main() {
	const started = new Date();
	console.log(`soak ${quick ? "(quick)" : ""}: ${JSON.stringify(config)}`);
	const report: SoakReport = {
		started: started.toISOString(),
		quick,
		config,
		writes: [],
		writeStored: null,
		reads: [],
		matrix: null,
		fault: null,
		kills: [],
		burst: null,
		notes: [],
		refusals: {},
	};

	if (only.has("faults")) {
		console.log(`fault injection in the detect consumer, ${config.faultRounds} rounds per case (workerd)`);
		report.fault = runFaultRounds(config.faultRounds) satisfies FaultRounds;
		console.log(`  ${report.fault.passed} passed, ${report.fault.failed} failed in ${report.fault.seconds} s`);
	}

	rmSync(STATE, { recursive: true, force: true });
	let system: RunningSystem = await startSystem(STATE);
	const { base } = system;
	console.log(`instance at ${base} (state ${STATE})`);
	try {
		const other = createOtherProject();
		// Several keys per kind: the per-key rate limit is not what the soak measures (429s are still honoured).
		const writeKeys = rotation([
			KEYS.write,
			...(await Promise.all(Array.from({ length: 7 }, (_, i) => createKey(base, "write", `soak write ${i}`)))).map((k) => k.key),
		]);
		const readKeyList = await Promise.all(Array.from({ length: 8 }, (_, i) => createKey(base, "read", `soak read ${i}`)));
		const readKeys = rotation([KEYS.read, ...readKeyList.map((k) => k.key)]);
		const adminKeys = rotation([
			KEYS.admin,
			...(await Promise.all(Array.from({ length: 3 }, (_, i) => createKey(base, "admin", `soak admin ${i}`)))).map((k) => k.key),
		]);
		const runId = `soak${Date.now().toString(36)}`;

		let writeResults: WriteFuzzResult[] = [];
		if (only.has("writes")) {
			console.log(`write endpoints: ${config.bodies} generated bodies each, concurrency 8, accepted ones sent twice`);
			writeResults = await fuzzWrites(base, writeKeys, config.bodies, runId, config.seed);
			report.writes = writeResults.map((w) => ({
				endpoint: w.endpoint,
				tally: w.tally,
				kinds: w.kinds,
				retried: w.retried,
				retryNotAccepted: w.retryNotAccepted,
				acknowledged: w.acknowledgedIds.length,
			}));
			const ids = writeResults.filter((w) => w.endpoint === "/v1/events" || w.endpoint === "/v1/traces").flatMap((w) => w.acknowledgedIds);
			console.log(`  waiting for ${ids.length} acknowledged events (events and traces) to be readable`);
			report.writeStored = (await waitStoredOnce(base, readKeys, SOAK_USERS, ids, 600_000)) satisfies StoredCheck;
			console.log(
				`  stored once: ${report.writeStored.found}/${report.writeStored.expected}, lost ${report.writeStored.lost.length}, duplicated ${report.writeStored.duplicated.length}`,
			);
		}

		// Ids of this project for routes that name one: the maintenance pass promotes issue candidates first.
		await fetch(`${base}/__cron`, { method: "POST" }).catch(() => undefined);
		const ids: Ids = {
			eventId: writeResults.find((w) => w.endpoint === "/v1/events")?.acknowledgedIds[0] ?? (await firstId(base, "/api/events", "event_id")) ?? "evt_missing",
			convoId: "conv_soak",
			issueId: (await firstId(base, "/api/issues")) ?? "iss_missing",
			ruleId:
				(await create(base, "/api/alerts/rules", { name: "soak rule", kind: "new_issue", destination: { type: "webhook", url: "http://localhost:9/soak" } })) ??
				"rule_missing",
		};
		const customSignalId = (await create(base, "/api/custom-signals", { name: "soak_probe", field: "input", regex: "contacts" })) ?? "cs_missing";
		const intentId = (await firstId(base, "/api/intents")) ?? "int_missing";
		const deadLetterId = (await firstId(base, "/api/dead-letters")) ?? "dlq_missing";
		report.notes.push(
			`Ids used by routes that name one: event ${ids.eventId}, conversation ${ids.convoId}, issue ${ids.issueId}, alert rule ${ids.ruleId}, custom signal ${customSignalId}, intent ${intentId}, dead letter ${deadLetterId}.`,
		);

		if (only.has("reads")) {
			const routes = readRoutes(ids);
			console.log(`read routes: ${config.queries} generated query strings each on ${routes.length} routes`);
			report.reads = (await fuzzReads(base, readKeys, adminKeys, routes, () => config.queries, config.seed + 100)) satisfies ReadFuzzResult[];
		}

		if (only.has("matrix")) {
			// Revoked keys, never used before they were revoked (a used key may stay cached for up to a minute).
			const revoked = {
				write: await createKey(base, "write", "soak revoked write"),
				read: await createKey(base, "read", "soak revoked read"),
				admin: await createKey(base, "admin", "soak revoked admin"),
			};
			for (const k of Object.values(revoked)) await send(base, { method: "DELETE", path: `/api/project/keys/${k.id}`, headers: bearer(KEYS.admin) });
			const countU7 = async () => {
				let n = 0;
				let cursor: string | null = null;
				do {
					const a = await send(base, {
						method: "GET",
						path: `/api/events?user_id=soak_u7&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
						headers: bearer(readKeys()),
					});
					const page = a.body as { data: unknown[]; next_cursor: string | null };
					n += page.data.length;
					cursor = page.next_cursor;
				} while (cursor);
				return n;
			};
			const u7Before = await countU7();
			const routes = matrixRoutes(ids, readKeyList[0]!.id, customSignalId, intentId, deadLetterId);
			const markers = ["prj_local", ids.eventId, ids.issueId, ids.ruleId, customSignalId, intentId, "soak_u", readKeyList[0]!.id].filter(
				(m) => !m.endsWith("_missing"),
			);
			console.log(`tenant matrix: ${routes.length} routes`);
			const matrix: MatrixResult = await runMatrix(
				base,
				routes,
				{
					own: { write: KEYS.write, read: KEYS.read, admin: KEYS.admin },
					revoked: { write: revoked.write.key, read: revoked.read.key, admin: revoked.admin.key },
					other,
				},
				markers,
			);
			const u7After = await countU7();
			if (u7After !== u7Before)
				matrix.violations.push({
					route: "DELETE /api/users/soak_u7",
					credential: "other project's admin key",
					status: 0,
					ok: false,
					why: `this project's soak_u7 had ${u7Before} events before the matrix and ${u7After} after`,
				});
			report.matrix = matrix;
			console.log(`  ${matrix.cells.length} cells, ${matrix.violations.length} violations`);
		}

		if (only.has("burst")) {
			console.log(`burst: sustained rate for ${config.sustainSeconds} s, then 10x for ${config.burstSeconds} s`);
			report.burst = (await burst(base, writeKeys, readKeys, config.sustainSeconds, config.burstSeconds)) satisfies BurstResult;
			console.log(`  ${JSON.stringify({ ...report.burst, lost: report.burst.lost.length, duplicated: report.burst.duplicated.length })}`);
		}

		if (only.has("kill")) {
			for (let round = 0; round < config.killRounds; round++) {
				console.log(`kill and restart, round ${round + 1}: ${config.killEvents} events at concurrency 8, SIGKILL mid-load`);
				const result = await killAndRestart(system, STATE, writeKeys, readKeys, config.killEvents, round);
				system = result.system;
				report.kills.push(result.round satisfies KillRound);
				console.log(`  ${JSON.stringify({ ...result.round, lost: result.round.lost.length, duplicated: result.round.duplicated.length })}`);
			}
		}
	} finally {
		system.kill("SIGTERM");
	}
	report.finished = new Date().toISOString();
	report.refusals = Object.fromEntries(refusalsSeen);
	const markdown = renderReport(report);
	// A partial run (SOAK_ONLY) does not replace the document.
	const out = process.env.SOAK_ONLY ? ".wrangler/soak-report.md" : "docs/reliability.md";
	writeFileSync(out, markdown);
	console.log(`written to ${out}`);
	console.log(`\n${markdown}`);
	rmSync(STATE, { recursive: true, force: true });
}

main().catch((err) => {
	console.error(err);
	process.exit(1);
});
