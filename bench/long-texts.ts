// D1 bytes per event as an event's texts grow (issue 20, docs/scaling.md "Long texts in R2"). A fresh system
// (`wrangler dev`, as npm start runs it) takes rounds of events whose output is a real model answer of a given
// length (answers from ../shared/eval's XSTest completions and JailbreakBench responses, joined until long
// enough; the input is a real prompt), and after each round the D1 file's pages per table (dbstat, without
// the tables only local D1 has: production keeps vectors in Vectorize) and the local R2 objects are summed.
//   npx tsx bench/long-texts.ts [--per-length 200] [--lengths 500,2000,5000,20000]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import { EVAL_DIR } from "../eval/datasets";
import { PRICES } from "./cost-model";
import { drained, startSystem } from "./counted-system";
import { SEED_PROJECT, seedD1 } from "./seed-d1";
import { REPO } from "./wrangler-dev";

const WRITE_KEY = "bm_write_longtexts00000000000000000000";
const { values } = parseArgs({ options: { "per-length": { type: "string", default: "200" }, lengths: { type: "string", default: "500,2000,5000,20000" } } });
const PER_LENGTH = Number(values["per-length"]);
const LENGTHS = values.lengths!.split(",").map(Number);

const rows = (file: string) =>
	readFileSync(join(EVAL_DIR, file), "utf8")
		.trim()
		.split("\n")
		.map((l) => JSON.parse(l) as Record<string, unknown>);
const ANSWERS = [...rows("xstest_completions_dev.jsonl").map((r) => r.text), ...rows("jbb_attack_artifacts.jsonl").map((r) => r.response)].filter(
	(t): t is string => typeof t === "string" && t.length > 200,
);
const PROMPTS = rows("xstest_prompts.jsonl")
	.map((r) => r.prompt ?? r.text)
	.filter((t): t is string => typeof t === "string");

let seed = 7;
const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
function answerOf(length: number): string {
	let text = "";
	while (text.length < length) text += `${pick(ANSWERS)}\n\n`;
	return text.slice(0, length);
}

function d1Bytes(file: string): number {
	const sql = `SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name NOT IN (SELECT name FROM sqlite_master WHERE tbl_name IN ('event_vectors', 'vectors', 'queued_payloads'))`;
	return Number(spawnSync("sqlite3", [file, sql], { encoding: "utf8" }).stdout.trim());
}
/** Bytes per table (its indexes with it; the full-text index's shadow tables as one). */
function d1Tables(file: string): Map<string, number> {
	const sql = `SELECT CASE WHEN m.tbl_name LIKE 'events_fts%' THEN 'events_fts' ELSE m.tbl_name END, sum(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY 1`;
	const out = spawnSync("sqlite3", [file, sql], { encoding: "utf8" }).stdout;
	return new Map(
		out
			.split("\n")
			.filter(Boolean)
			.map((l) => {
				const [name, bytes] = l.split("|");
				return [name!, Number(bytes)];
			}),
	);
}
function r2(state: string): { objects: number; bytes: number } {
	const out = spawnSync("bash", ["-c", `find '${join(state, "v3", "r2")}' -path '*blobs*' -type f -printf '%s\\n' 2>/dev/null`], { encoding: "utf8" }).stdout;
	const sizes = out.split("\n").filter(Boolean).map(Number);
	return { objects: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

const state = mkdtempSync(join(tmpdir(), "barometer-long-texts-"));
const seeded = await seedD1({ repo: REPO, state, events: 0, keys: [{ kind: "write", key: WRITE_KEY }] });
const sys = await startSystem(state);
const results: {
	length: number;
	d1BytesPerEvent: number;
	r2ObjectsPerEvent: number;
	r2BytesPerEvent: number;
	eventsPer10GB: number;
	/** Storing a million such events for a month: D1 and R2 storage, and R2's puts. */
	usdPerMillionMonth: number;
}[] = [];
try {
	let n = 0;
	for (const length of LENGTHS) {
		const before = { d1: d1Bytes(seeded.file), r2: r2(state), tables: d1Tables(seeded.file) };
		const from = sys.batches.length;
		const events = Array.from({ length: PER_LENGTH }, () => ({
			event_id: `lt_${++n}`,
			user_id: `user_${Math.floor(rnd() * 50)}`,
			event: "chat_message",
			input: pick(PROMPTS),
			output: answerOf(length),
		}));
		for (let i = 0; i < events.length; i += 50) {
			const res = await fetch(`${sys.base}/v1/events`, {
				method: "POST",
				headers: { authorization: `Bearer ${WRITE_KEY}`, "content-type": "application/json" },
				body: JSON.stringify({ events: events.slice(i, i + 50) }),
			});
			if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
		}
		await drained(sys, from, PER_LENGTH);
		const after = { d1: d1Bytes(seeded.file), r2: r2(state), tables: d1Tables(seeded.file) };
		const grown = [...after.tables]
			.map(([t, b]) => [t, Math.round((b - (before.tables.get(t) ?? 0)) / PER_LENGTH)] as const)
			.filter(([t, b]) => b > 0 && !/^(event_vectors|vectors|queued_payloads)$/.test(t))
			.sort((a, b) => b[1] - a[1]);
		const perEvent = (after.d1 - before.d1) / PER_LENGTH;
		results.push({
			length,
			d1BytesPerEvent: Math.round(perEvent),
			r2ObjectsPerEvent: (after.r2.objects - before.r2.objects) / PER_LENGTH,
			r2BytesPerEvent: Math.round((after.r2.bytes - before.r2.bytes) / PER_LENGTH),
			eventsPer10GB: Math.round(10e9 / perEvent),
			usdPerMillionMonth:
				Math.round(
					((perEvent * 1e6) / 1e9) * PRICES.d1GbMonth * 100 +
						(((after.r2.bytes - before.r2.bytes) / PER_LENGTH) * 1e6 * PRICES.r2GbMonth * 100) / 1e9 +
						((after.r2.objects - before.r2.objects) / PER_LENGTH) * PRICES.r2ClassAPerM * 100,
				) / 100,
		});
		console.error(`output ${length} chars: ${Math.round(perEvent)} D1 bytes per event`);
		console.log(`output ${length} chars, D1 bytes per event by table: ${grown.map(([t, b]) => `${t} ${b}`).join(", ")}`);
	}
} finally {
	await sys.stop();
	rmSync(state, { recursive: true, force: true });
}
console.log(`project ${SEED_PROJECT}, ${PER_LENGTH} events per output length`);
console.log(
	"| output chars | D1 bytes / event | R2 objects / event | R2 bytes / event | events per 10 GB D1 database | $ per 1M events kept a month (D1 + R2 storage, R2 puts) |",
);
console.log("|---|---|---|---|---|---|");
for (const r of results)
	console.log(
		`| ${r.length.toLocaleString("en")} | ${r.d1BytesPerEvent.toLocaleString("en")} | ${r.r2ObjectsPerEvent} | ${r.r2BytesPerEvent.toLocaleString("en")} | ${r.eventsPer10GB.toLocaleString("en")} | ${r.usdPerMillionMonth.toFixed(2)} |`,
	);
console.log(JSON.stringify(results));
