import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { loadDemo } from "../demo/load-demo";
import { freePort } from "../scripts/free-port";

declare module "vitest" {
	export interface ProvidedContext {
		/** Where the end-to-end system (npm start with its own database, demo data loaded) listens. */
		e2eBaseUrl: string;
	}
}

const STATE = ".wrangler/e2e-state";

export interface RunningSystem {
	base: string;
	/** Signals the whole process group: start.mjs, the wrangler dev it spawned and workerd. */
	kill: (signal: NodeJS.Signals) => void;
	exited: Promise<void>;
}

/** `npm start` on free ports with the given local database directory; resolves once it serves. */
export async function startSystem(state: string, port?: number): Promise<RunningSystem> {
	port ??= await freePort();
	const inspector = await freePort();
	const child: ChildProcess = spawn(process.execPath, ["scripts/start.mjs"], {
		env: { ...process.env, PORT: String(port), INSPECTOR_PORT: String(inspector), BAROMETER_STATE: state },
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	let output = "";
	child.stdout!.on("data", (d) => (output += d));
	child.stderr!.on("data", (d) => (output += d));
	const exited = new Promise<void>((r) => child.on("exit", () => r()));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`npm start did not come up in 180 s:\n${output.slice(-3000)}`)), 180_000);
		child.on("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`)));
		const poll = setInterval(() => {
			if (output.includes("Barometer is running")) {
				clearInterval(poll);
				clearTimeout(timer);
				resolve();
			}
		}, 250);
	});
	return {
		base: `http://localhost:${port}`,
		exited,
		kill: (signal) => {
			try {
				process.kill(-child.pid!, signal);
			} catch {
				// already gone
			}
		},
	};
}

/**
 * Starts the whole system the way a newcomer does (`npm start`), on free ports with a fresh local
 * database, and loads the demo month into it (fewer users, to keep the run short).
 */
export default async function setup(project: TestProject) {
	rmSync(STATE, { recursive: true, force: true });
	const system = await startSystem(STATE);
	await loadDemo({
		url: system.base,
		writeKey: "bm_write_localdev00000000000000000000",
		adminKey: "bm_admin_localdev00000000000000000000",
		seed: 42,
		users: 100,
		days: 30,
	});
	project.provide("e2eBaseUrl", system.base);
	return () => {
		system.kill("SIGTERM");
		rmSync(STATE, { recursive: true, force: true });
	};
}
