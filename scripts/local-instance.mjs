// Which local instance the demo, the sample traffic and the CLI talk to. `npm start` records the URL it
// serves in its state directory (so an end-to-end run with its own BAROMETER_STATE never overwrites the
// developer's record) and removes it on exit; a record left by a killed instance is only used if the
// URL still answers its health route.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_PORT = 8787;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Where `npm start` records its URL: `<BAROMETER_STATE or .wrangler/state>/instance.json`, from the repo root. */
export function instanceFile(env = process.env, root = REPO_ROOT) {
	return join(resolve(root, env.BAROMETER_STATE || ".wrangler/state"), "instance.json");
}

export function recordInstance(file, url) {
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(file, `${JSON.stringify({ url, pid: process.pid, startedAt: new Date().toISOString() }, null, 2)}\n`);
}

/** Removes the record if this process wrote it (a later `npm start` on the same state may have replaced it). */
export function forgetInstance(file) {
	try {
		if (JSON.parse(readFileSync(file, "utf8")).pid === process.pid) rmSync(file, { force: true });
	} catch {
		// no record, or not ours to read: nothing to remove
	}
}

async function answers(url, timeoutMs) {
	try {
		return (await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(timeoutMs) })).ok;
	} catch {
		return false;
	}
}

/**
 * Ends the process with a message saying how to reach an instance when none answers at `url` (instead
 * of a fetch stack trace): an instance started with its own BAROMETER_STATE records its URL there, so
 * another terminal finds it only with the same BAROMETER_STATE, or PORT, or --url.
 */
export async function requireInstance(url, { log = console.error, exit = (code) => process.exit(code), timeoutMs = 3000 } = {}) {
	if (await answers(url, timeoutMs)) return;
	log(
		`barometer: no instance answers at ${url}. Start one with \`npm start\`, or say where yours is: --url <url>, PORT=<port> or BAROMETER_URL=<url>` +
			" (an instance started with BAROMETER_STATE=<dir> is found from another terminal with the same BAROMETER_STATE).",
	);
	exit(1);
}

/**
 * The instance URL: `--url`, then BAROMETER_URL, then PORT (as `npm start` reads it), then the URL the
 * running `npm start` recorded if it answers, then http://localhost:8787. A stale record is said on `log`.
 */
export async function resolveInstanceUrl({ url, env = process.env, root = REPO_ROOT, log = console.error, timeoutMs = 1500 } = {}) {
	const clean = (u) => u.replace(/\/+$/, "");
	if (url) return { url: clean(url), source: "--url" };
	if (env.BAROMETER_URL) return { url: clean(env.BAROMETER_URL), source: "BAROMETER_URL" };
	if (env.PORT) return { url: `http://localhost:${Number(env.PORT)}`, source: "PORT" };
	const fallback = `http://localhost:${DEFAULT_PORT}`;
	const file = instanceFile(env, root);
	if (!existsSync(file)) return { url: fallback, source: "default" };
	let recorded;
	try {
		recorded = clean(String(JSON.parse(readFileSync(file, "utf8")).url));
	} catch {
		log(`barometer: ${file} is unreadable; using ${fallback} (pass --url to choose)`);
		return { url: fallback, source: "default" };
	}
	if (await answers(recorded, timeoutMs)) return { url: recorded, source: file };
	log(
		`barometer: ${file} names ${recorded}, which does not answer (an instance that has stopped?); using ${fallback}. Start one with npm start, or pass --url.`,
	);
	return { url: fallback, source: "default" };
}
