import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countEvents } from "./event-counts";
import { describe, expect, inject, it, vi } from "vitest";
import { importCommand } from "../cli/import-command";
import { instance } from "../cli/instance";
import { keysCommand } from "../cli/keys-command";

const BASE = inject("e2eBaseUrl");
const ADMIN = "bm_admin_localdev00000000000000000000";

const count = (user: string) => countEvents(BASE, ADMIN, user);

describe("barometer CLI against the running system", () => {
	it("finds the running npm start through the URL it recorded in its state directory", async () => {
		// start-system.ts runs npm start with BAROMETER_STATE=.wrangler/e2e-state on a free port.
		expect(await instance([], "admin", { BAROMETER_STATE: ".wrangler/e2e-state" })).toEqual({ url: BASE, key: ADMIN });
	});

	it("import: backfills in batches, stops and resumes where it left off, reports bad lines", async () => {
		const dir = mkdtempSync(join(tmpdir(), "bm-import-"));
		const file = join(dir, "backfill.jsonl");
		const lines = Array.from({ length: 250 }, (_, i) =>
			JSON.stringify({ user_id: "import_user", convo_id: `imp_c${i % 20}`, input: `question ${i}`, output: `answer ${i}`, timestamp: Date.now() - i * 60_000 }),
		);
		lines.splice(120, 0, "{not json", JSON.stringify({ event_id: "no_user", output: "x" }));
		writeFileSync(file, `${lines.join("\n")}\n`);
		const log: string[] = [];
		const io = { err: (s: string) => void log.push(s), tty: false };
		expect(await importCommand([file, "--url", BASE, "--max", "100", "--rate", "1000"], io)).toBe(0);
		expect(JSON.parse(readFileSync(`${file}.import-state.json`, "utf8"))).toMatchObject({ lines_done: 100, accepted: 100 });
		expect(log.join("")).toMatch(/Paused after 100 lines/);
		// Resume: the rest, once; the two bad lines are reported with their line numbers.
		expect(await importCommand([file, "--url", BASE, "--rate", "1000"], io)).toBe(1);
		expect(log.join("")).toMatch(/Resuming after line 100 of 252/);
		const rejected = readFileSync(`${file}.rejected.jsonl`, "utf8")
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as { line: number; errors: unknown });
		expect(rejected.map((r) => r.line)).toEqual([121, 122]);
		expect(JSON.stringify(rejected[1]!.errors)).toContain("user_id");
		await vi.waitFor(async () => expect(await count("import_user")).toBe(250), { timeout: 15_000, interval: 250 });
		// A full re-run (--restart) sends everything again; deterministic ids keep it at 250.
		await importCommand([file, "--url", BASE, "--restart", "--rate", "1000"], io);
		await new Promise((r) => setTimeout(r, 1500));
		expect(await count("import_user")).toBe(250);
	});

	it("keys: create a read key (printed once), use it, list and revoke it", async () => {
		const out: string[] = [];
		const err: string[] = [];
		expect(
			await keysCommand(
				["create", "--kind", "read", "--name", "cli test", "--url", BASE],
				(s) => void out.push(s),
				(s) => void err.push(s),
			),
		).toBe(0);
		const key = out.join("").trim();
		expect(key).toMatch(/^bm_read_/);
		expect((await fetch(`${BASE}/api/project`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
		const listed: string[] = [];
		await keysCommand(["list", "--url", BASE], (s) => void listed.push(s));
		const row = listed
			.join("")
			.split("\n")
			.find((l) => l.includes("cli test"))!;
		const id = row.split("\t")[0]!;
		expect(
			await keysCommand(
				["revoke", id, "--url", BASE],
				() => {},
				(s) => void err.push(s),
			),
		).toBe(0);
		const after: string[] = [];
		await keysCommand(["list", "--url", BASE], (s) => void after.push(s));
		expect(
			after
				.join("")
				.split("\n")
				.find((l) => l.startsWith(id)),
		).toMatch(/revoked/);
		expect(
			await keysCommand(
				["create", "--url", BASE],
				() => {},
				() => {},
			),
		).toBe(1);
	});
});
