// One `wrangler dev` of several workers for a benchmark: own state directory, own dev registry (so it never
// binds to another local instance's workers), free ports, no metrics, stdout lines handed to the caller.
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort } from "../scripts/free-port";

export const REPO = resolve(".");
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WranglerDev {
	base: string;
	/** Resident memory of this instance's workerd processes, in bytes. */
	rss: () => number;
	stop: () => Promise<void>;
}

export async function startWrangler(opts: {
	configs: string[];
	state: string;
	/** The checkout to run (another one for a before / after); this one by default. */
	cwd?: string;
	/** Paths answered with 2xx once the instance is up (any answer below 500 with `anyAnswer`: a worker without routes). */
	health: string[];
	anyAnswer?: boolean;
	onLine?: (line: string) => void;
}): Promise<WranglerDev> {
	const [port, inspector] = [await freePort(), await freePort()];
	const dev = spawn(
		"npx",
		[
			"wrangler",
			"dev",
			...opts.configs.flatMap((c) => ["-c", c]),
			"--persist-to",
			opts.state,
			"--port",
			String(port),
			"--ip",
			"127.0.0.1",
			"--inspector-port",
			String(inspector),
			"--show-interactive-dev-session=false",
		],
		{
			cwd: opts.cwd ?? REPO,
			env: {
				...process.env,
				WRANGLER_SEND_METRICS: "false",
				CLOUDFLARE_CF_FETCH_ENABLED: "false",
				CI: "true",
				WRANGLER_REGISTRY_PATH: join(opts.state, "dev-registry"),
			},
			stdio: ["ignore", "pipe", "pipe"],
			detached: true,
		},
	);
	let tail = "";
	let pending = "";
	dev.stdout.on("data", (d: Buffer) => {
		tail = (tail + d).slice(-4000);
		if (!opts.onLine) return;
		pending += d;
		const lines = pending.split("\n");
		pending = lines.pop()!;
		for (const line of lines) opts.onLine(line);
	});
	dev.stderr.on("data", (d: Buffer) => (tail = (tail + d).slice(-4000)));
	const exited = new Promise<void>((r) => dev.on("exit", () => r()));
	const base = `http://127.0.0.1:${port}`;
	const until = Date.now() + 180_000;
	for (;;) {
		const ok = await Promise.all(
			opts.health.map((p) =>
				fetch(base + p).then(
					(r) => r.ok || (opts.anyAnswer === true && r.status < 500),
					() => false,
				),
			),
		);
		if (ok.every(Boolean)) break;
		if (Date.now() > until || dev.exitCode !== null) throw new Error(`wrangler dev did not come up:\n${tail}`);
		await sleep(500);
	}
	const rss = () => {
		let total = 0;
		for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
			try {
				const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
				const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
				if (Number(fields[2]) !== dev.pid || !stat.includes("(workerd)")) continue;
				total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
			} catch {
				// gone meanwhile
			}
		}
		return total;
	};
	return {
		base,
		rss,
		stop: async () => {
			try {
				process.kill(-dev.pid!, "SIGTERM");
			} catch {
				// already gone
			}
			await Promise.race([exited, sleep(10_000)]);
			// workerd outlives npx for a moment and writes into the state: wait for the whole group to go.
			for (let i = 0; i < 100; i++) {
				try {
					process.kill(-dev.pid!, 0);
				} catch {
					return;
				}
				await sleep(100);
			}
		},
	};
}

/** A worker's wrangler.toml rewritten into `state` with absolute paths, for a benchmark's own variant of it. */
export function configCopy(worker: string, state: string, edit: (toml: string) => string): string {
	const dir = join(REPO, worker);
	const toml = edit(
		readFileSync(join(dir, "wrangler.toml"), "utf8")
			.replace(/^main = "(.+)"$/m, (_, p: string) => `main = "${resolve(dir, p)}"`)
			.replace(/^(directory|migrations_dir) = "(.+)"$/gm, (_, k: string, p: string) => `${k} = "${resolve(dir, p)}"`),
	);
	return writeConfig(state, worker.split("/").pop()!, toml);
}

export function writeConfig(state: string, name: string, toml: string): string {
	mkdirSync(join(state, name), { recursive: true });
	const file = join(state, name, "wrangler.toml");
	writeFileSync(file, toml);
	return file;
}
