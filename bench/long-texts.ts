// D1 bytes per event as an event's texts grow (issue 20, docs/scaling.md "Long texts in R2"). A fresh system
// (`wrangler dev`, as npm start runs it) takes rounds of events whose output is a real model answer of a given
// length (answers from ../shared/eval's XSTest completions and JailbreakBench responses, joined until long
// enough; the input is a real prompt), and after each round the D1 file's pages per table (dbstat, without
// the tables only local D1 has: production keeps event vectors in Vectorize) and the local R2 objects are summed.
// A last round sends a 500-character answer with five tool calls whose outputs are 3,000 characters (a search
// tool's results: real answers again, as JSON).
//   npx tsx bench/long-texts.ts [--per-length 200] [--lengths 500,2000,5000,20000] [--tool-calls 5]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVAL_DIR } from "../eval/datasets";
import { drained, startSystem } from "./counted-system";
import { PRICES } from "./cost-model";
import { seedD1 } from "./seed-d1";
import { REPO } from "./wrangler-dev";

const WRITE_KEY = "bm_write_longtexts00000000000000000000";
const LOCAL_ONLY = /^(event_vectors|queued_payloads)$/;

export interface LongTextRow {
	/** The answer's length in characters. */
	length: number;
	/** Tool calls per event, each output TOOL_CHARS long. */
	toolCalls: number;
	d1BytesPerEvent: number;
	r2ObjectsPerEvent: number;
	r2BytesPerEvent: number;
	eventsPer10GB: number;
	/** Keeping a million such events a month: D1 and R2 storage, and R2's puts. */
	usdPerMillionMonth: number;
	/** D1 bytes per event by table (its indexes with it; the full-text index's shadow tables as one), largest first. */
	byTable: [string, number][];
}

const rows = (file: string) =>
	readFileSync(join(EVAL_DIR, file), "utf8")
		.trim()
		.split("\n")
		.map((l) => JSON.parse(l) as Record<string, unknown>);

/** Bytes per table; the full-text index's shadow tables as one. */
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

const TOOL_CHARS = 3_000;

export async function longTexts(lengths: number[], perLength: number, toolCalls = 5): Promise<LongTextRow[]> {
	const answers = [...rows("xstest_completions_dev.jsonl").map((r) => r.text), ...rows("jbb_attack_artifacts.jsonl").map((r) => r.response)].filter(
		(t): t is string => typeof t === "string" && t.length > 200,
	);
	const prompts = rows("xstest_prompts.jsonl")
		.map((r) => r.text)
		.filter((t): t is string => typeof t === "string");
	let seed = 7;
	const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
	const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
	const answerOf = (length: number) => {
		let text = "";
		while (text.length < length) text += `${pick(answers)}\n\n`;
		return text.slice(0, length);
	};

	const state = mkdtempSync(join(tmpdir(), "barometer-long-texts-"));
	const seeded = await seedD1({ repo: REPO, state, events: 0, keys: [{ kind: "write", key: WRITE_KEY }] });
	const sys = await startSystem(state);
	const out: LongTextRow[] = [];
	try {
		let n = 0;
		const rounds = [...lengths.map((length) => ({ length, tools: 0 })), ...(toolCalls ? [{ length: 500, tools: toolCalls }] : [])];
		for (const { length, tools } of rounds) {
			const before = { tables: d1Tables(seeded.file), r2: r2(state) };
			const from = sys.batches.length;
			const events = Array.from({ length: perLength }, () => ({
				event_id: `lt_${++n}`,
				user_id: `user_${Math.floor(rnd() * 50)}`,
				event: "chat_message",
				input: pick(prompts),
				output: answerOf(length),
				tool_calls: Array.from({ length: tools }, (_, k) => ({
					name: "search_docs",
					input: JSON.stringify({ query: pick(prompts), page: k }),
					output: JSON.stringify({ results: answerOf(TOOL_CHARS) }).slice(0, TOOL_CHARS),
					duration_ms: 120,
				})),
			}));
			for (let i = 0; i < events.length; i += 50) {
				const res = await fetch(`${sys.base}/v1/events`, {
					method: "POST",
					headers: { authorization: `Bearer ${WRITE_KEY}`, "content-type": "application/json" },
					body: JSON.stringify({ events: events.slice(i, i + 50) }),
				});
				if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
			}
			await drained(sys, from, perLength);
			const after = { tables: d1Tables(seeded.file), r2: r2(state) };
			const byTable = [...after.tables]
				.filter(([t]) => !LOCAL_ONLY.test(t))
				.map(([t, b]) => [t, Math.round((b - (before.tables.get(t) ?? 0)) / perLength)] as [string, number])
				.filter(([, b]) => b > 0)
				.sort((a, b) => b[1] - a[1]);
			const d1 = byTable.reduce((s, [, b]) => s + b, 0);
			const objects = (after.r2.objects - before.r2.objects) / perLength;
			const r2Bytes = (after.r2.bytes - before.r2.bytes) / perLength;
			out.push({
				length,
				toolCalls: tools,
				d1BytesPerEvent: d1,
				r2ObjectsPerEvent: objects,
				r2BytesPerEvent: Math.round(r2Bytes),
				eventsPer10GB: Math.round(10e9 / d1),
				usdPerMillionMonth: (d1 / 1e3) * PRICES.d1GbMonth + (r2Bytes / 1e3) * PRICES.r2GbMonth + objects * PRICES.r2ClassAPerM,
				byTable,
			});
		}
	} finally {
		await sys.stop();
		rmSync(state, { recursive: true, force: true });
	}
	return out;
}

/** The table docs/performance.md shows. */
export function longTextsTable(rows: LongTextRow[]): string[] {
	return [
		"| event | D1 bytes / event | largest tables (bytes / event) | R2 objects / event | R2 bytes / event | events per 10 GB D1 database | $ per 1M events kept a month (D1 + R2 storage, R2 puts) |",
		"|---|---|---|---|---|---|---|",
		...rows.map(
			(r) =>
				`| ${r.length.toLocaleString("en")}-character answer${r.toolCalls ? `, ${r.toolCalls} tool calls of ${TOOL_CHARS.toLocaleString("en")}` : ""} | ${r.d1BytesPerEvent.toLocaleString("en")} | ${r.byTable
					.slice(0, 3)
					.map(([t, b]) => `${t} ${b.toLocaleString("en")}`)
					.join(
						", ",
					)} | ${r.r2ObjectsPerEvent} | ${r.r2BytesPerEvent.toLocaleString("en")} | ${r.eventsPer10GB.toLocaleString("en")} | ${r.usdPerMillionMonth.toFixed(2)} |`,
		),
	];
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const arg = (name: string, fallback: string) => {
		const i = process.argv.indexOf(`--${name}`);
		return i > 0 ? process.argv[i + 1]! : fallback;
	};
	const result = await longTexts(
		arg("lengths", "500,2000,5000,20000").split(",").map(Number),
		Number(arg("per-length", "200")),
		Number(arg("tool-calls", "5")),
	);
	console.log(longTextsTable(result).join("\n"));
	console.log(JSON.stringify(result));
}
