import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { importCommand } from "./import-command";

type Handler = (items: { event_id: string }[], res: ServerResponse) => void;

/** A stand-in ingest endpoint: each POST /v1/events body goes to `handle`, which answers or not. */
async function fakeIngest(handle: Handler) {
	const server = createServer((req: IncomingMessage, res) => {
		let body = "";
		req.on("data", (d) => (body += d));
		req.on("end", () => handle((JSON.parse(body) as { events: { event_id: string }[] }).events, res));
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())), server };
}

const accept = (items: unknown[], res: ServerResponse) => {
	res.writeHead(202, { "content-type": "application/json" });
	res.end(JSON.stringify({ accepted: items.length, rejected: 0, results: items.map((_, index) => ({ index, status: "accepted" })) }));
};

const open: { close: () => Promise<void> }[] = [];
afterEach(async () => {
	for (const s of open.splice(0)) await s.close();
});

describe("barometer import: state advances only past answered batches", () => {
	it("a run killed while a batch awaits its answer resumes with that batch, and every line arrives", async () => {
		const dir = mkdtempSync(join(tmpdir(), "bm-import-kill-"));
		const file = join(dir, "events.jsonl");
		writeFileSync(file, Array.from({ length: 250 }, (_, i) => JSON.stringify({ event_id: `line_${i + 1}`, user_id: "u", input: `q${i}` })).join("\n") + "\n");

		// First run: the first batch is answered, the second is held until the process is killed.
		let secondArrived: () => void = () => {};
		const arrived = new Promise<void>((r) => (secondArrived = r));
		let posts = 0;
		const held: ServerResponse[] = [];
		const first = await fakeIngest((items, res) => {
			posts++;
			if (posts === 1) return accept(items, res);
			held.push(res);
			secondArrived();
		});
		open.push(first);
		const child = spawn(process.execPath, ["cli/barometer.mjs", "import", file, "--url", first.url, "--key", "bm_write_x", "--rate", "100000"], {
			stdio: "ignore",
		});
		const exited = new Promise((r) => child.on("exit", r));
		await arrived;
		child.kill("SIGKILL");
		await exited;
		for (const res of held) res.destroy();
		const state = JSON.parse(readFileSync(`${file}.import-state.json`, "utf8"));
		expect(state).toMatchObject({ lines_done: 100, accepted: 100 });
		expect(existsSync(`${file}.import-state.json.tmp`)).toBe(false);

		// Resumed: lines 101-250 are sent, starting with the batch that was never answered.
		const received: string[] = [];
		const second = await fakeIngest((items, res) => {
			received.push(...items.map((e) => e.event_id));
			accept(items, res);
		});
		open.push(second);
		// The saved state is for the first URL; the resumed run is pointed at the same instance.
		writeFileSync(`${file}.import-state.json`, JSON.stringify({ ...state, url: second.url }));
		expect(await importCommand([file, "--url", second.url, "--key", "bm_write_x", "--rate", "100000"], { err: () => {}, tty: false })).toBe(0);
		expect(received[0]).toBe("line_101");
		expect(received).toHaveLength(150);
		expect(JSON.parse(readFileSync(`${file}.import-state.json`, "utf8"))).toMatchObject({ lines_done: 250, accepted: 250 });
	});

	it("waits out Retry-After answers (a backlog draining) without spending its failed attempts", { timeout: 30_000 }, async () => {
		const dir = mkdtempSync(join(tmpdir(), "bm-import-wait-"));
		const file = join(dir, "events.jsonl");
		writeFileSync(file, JSON.stringify({ event_id: "only", user_id: "u" }) + "\n");
		let posts = 0;
		const busy = await fakeIngest((items, res) => {
			// More refusals than the 8 attempts a failing instance gets.
			if (++posts <= 9) {
				res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
				return res.end(JSON.stringify({ error: { code: "queue_backlog", message: "busy" } }));
			}
			accept(items, res);
		});
		open.push(busy);
		expect(await importCommand([file, "--url", busy.url, "--key", "bm_write_x"], { err: () => {}, tty: false })).toBe(0);
		expect(posts).toBe(10);
	});
});
