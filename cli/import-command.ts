import { createHash } from "node:crypto";
import { appendFileSync, createReadStream, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { retryDelayMs } from "../sdk/src/client";
import { progressLine, RateLimiter, resumeFrom, type ImportState } from "./import-progress";
import { flag, instance, positional } from "./instance";

const USAGE = `usage: barometer import FILE.jsonl [--url URL] [--key WRITE_KEY] [--rate EVENTS_PER_S] [--max LINES] [--restart]

  Each line is an event (as in POST /v1/events) or, with a "signal" field, feedback (POST /v1/signals).
  Lines without event_id get one derived from their content, so a re-run never stores them twice.
  Progress is saved next to the file (FILE.import-state.json): run the same command again to resume.`;

const BATCH = 100;
const MAX_ATTEMPTS = 8;
/** How long one batch may wait on Retry-After answers before the import stops (and can be resumed). */
const MAX_WAIT_MS = 15 * 60_000;

interface Line {
	no: number;
	kind: "events" | "signals";
	item: Record<string, unknown>;
}

async function send(
	url: string,
	key: string,
	kind: Line["kind"],
	items: Record<string, unknown>[],
): Promise<{ accepted: number; rejected: { index: number; errors: unknown }[] }> {
	let waitedMs = 0;
	for (let attempt = 1; ; attempt++) {
		let problem: string;
		try {
			const res = await fetch(`${url}/v1/${kind}`, {
				method: "POST",
				headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
				body: JSON.stringify({ [kind]: items }),
			});
			const body = (await res.json().catch(() => ({}))) as {
				accepted?: number;
				results?: { index: number; status: string; errors?: unknown }[];
				error?: { message: string; details?: unknown };
			};
			if (res.status === 202 || res.status === 207)
				return {
					accepted: body.accepted ?? 0,
					rejected: (body.results ?? []).filter((r) => r.status !== "accepted").map((r) => ({ index: r.index, errors: r.errors })),
				};
			if (res.status === 400 && body.error)
				return { accepted: 0, rejected: items.map((_, index) => ({ index, errors: body.error!.details ?? body.error!.message })) };
			problem = `HTTP ${res.status}${body.error ? `: ${body.error.message}` : ""}`;
			if (res.status === 401 || res.status === 403 || res.status === 413) throw new Error(problem);
			const retryAfter = Number(res.headers.get("retry-after"));
			// The instance is up and asks to wait (rate limit, backlog draining): that is no failed attempt.
			if (retryAfter > 0 && waitedMs + retryAfter * 1000 <= MAX_WAIT_MS) {
				waitedMs += retryAfter * 1000;
				attempt--;
				await new Promise((r) => setTimeout(r, retryAfter * 1000));
				continue;
			}
			if (attempt >= MAX_ATTEMPTS) throw new Error(`${problem} (gave up after ${attempt} attempts)`);
			await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
			continue;
		} catch (err) {
			if ((err as Error).message.startsWith("HTTP")) throw err;
			problem = `cannot reach ${url}: ${(err as Error).message}`;
		}
		if (attempt >= MAX_ATTEMPTS) throw new Error(`${problem} (gave up after ${attempt} attempts)`);
		await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
	}
}

async function countLines(file: string): Promise<number> {
	let n = 0;
	for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line.trim()) n++;
	return n;
}

/** Written whole or not at all: a run killed mid-write leaves the previous state, never a torn file. */
function saveState(file: string, state: ImportState): void {
	writeFileSync(`${file}.tmp`, JSON.stringify(state));
	renameSync(`${file}.tmp`, file);
}

/**
 * `barometer import FILE.jsonl`: backfills a local or deployed instance, in batches of 100, at
 * most --rate events per second, resumable (the state file records the lines acknowledged).
 */
export async function importCommand(
	args: string[],
	io: { err: (s: string) => void; tty: boolean } = { err: (s) => process.stderr.write(s), tty: Boolean(process.stderr.isTTY) },
): Promise<number> {
	const [file] = positional(args, ["--url", "--key", "--rate", "--max"]);
	if (!file || !existsSync(file)) {
		io.err(`${file ? `barometer import: no file ${file}\n` : ""}${USAGE}\n`);
		return 2;
	}
	const { url, key } = await instance(args, "write");
	if (!key) {
		io.err("barometer import: give a write key with --key or BAROMETER_WRITE_KEY\n");
		return 2;
	}
	const rate = Number(flag(args, "--rate") ?? 500);
	const max = Number(flag(args, "--max") ?? Infinity);
	const stateFile = `${file}.import-state.json`;
	const rejectFile = `${file}.rejected.jsonl`;
	const size = statSync(file).size;
	const saved = !args.includes("--restart") && existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as ImportState) : null;
	const state = resumeFrom(saved, url, size);
	const total = await countLines(file);
	if (state.lines_done > 0) io.err(`Resuming after line ${state.lines_done} of ${total} (${stateFile}).\n`);
	const limiter = new RateLimiter(rate);
	const started = Date.now();
	const startDone = state.lines_done;
	let lastPrint = 0;
	const print = (force = false) => {
		const now = Date.now();
		if (!force && now - lastPrint < (io.tty ? 100 : 5000)) return;
		lastPrint = now;
		const line = progressLine({ done: state.lines_done, total, accepted: state.accepted, rejected: state.rejected, elapsedMs: now - started }, 24);
		io.err(io.tty ? `\r${line}` : `${line}\n`);
	};
	const reject = (no: number, reason: unknown, raw?: unknown) => {
		state.rejected++;
		appendFileSync(rejectFile, `${JSON.stringify({ line: no, errors: reason, item: raw })}\n`);
	};

	let pending: Line[] = [];
	const flush = async () => {
		for (const kind of ["events", "signals"] as const) {
			const lines = pending.filter((l) => l.kind === kind);
			if (lines.length === 0) continue;
			await limiter.take(lines.length);
			const result = await send(
				url,
				key,
				kind,
				lines.map((l) => l.item),
			);
			state.accepted += result.accepted;
			for (const r of result.rejected) reject(lines[r.index]!.no, r.errors, lines[r.index]!.item);
		}
		// Answered (202/207, or 400 with every line rejected): only now does a resumed run start after these lines.
		state.lines_done = pending.at(-1)!.no;
		saveState(stateFile, state);
		pending = [];
		print();
	};

	let no = 0;
	let sent = 0;
	try {
		for await (const raw of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
			if (!raw.trim()) continue;
			no++;
			if (no <= state.lines_done) continue;
			if (sent >= max) break;
			sent++;
			let item: Record<string, unknown>;
			try {
				item = JSON.parse(raw);
				if (!item || typeof item !== "object" || Array.isArray(item)) throw new Error("a line must be a JSON object");
			} catch (err) {
				reject(no, (err as Error).message, raw.slice(0, 200));
				if (pending.length === 0) state.lines_done = no;
				continue;
			}
			const kind = typeof item.signal === "string" ? "signals" : "events";
			const idField = kind === "events" ? "event_id" : "signal_id";
			if (item[idField] === undefined) item[idField] = `imp_${createHash("sha256").update(raw).digest("hex").slice(0, 24)}`;
			pending.push({ no, kind, item });
			if (pending.length >= BATCH) await flush();
		}
		if (pending.length) await flush();
		saveState(stateFile, state);
	} catch (err) {
		print(true);
		io.err(`\nbarometer import: stopped at line ${state.lines_done}: ${(err as Error).message}\nRun the same command again to resume.\n`);
		return 1;
	}
	print(true);
	const done = state.lines_done >= total;
	io.err(
		`${io.tty ? "\n" : ""}${done ? "Imported" : "Paused after"} ${state.lines_done - startDone} lines this run: ${state.accepted} accepted, ${state.rejected} rejected in all${state.rejected ? ` (see ${rejectFile})` : ""}.${done ? "" : " Run again to continue."}\n`,
	);
	return state.rejected > 0 ? 1 : 0;
}
