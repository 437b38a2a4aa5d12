import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instance } from "../cli/instance";
import { freePort } from "./free-port";
import { forgetInstance, instanceFile, recordInstance, requireInstance, resolveInstanceUrl } from "./local-instance.mjs";

let state: string;
let live: Server;
let liveUrl: string;
const posted: unknown[] = [];
const env = () => ({ BAROMETER_STATE: state });

beforeAll(async () => {
	state = mkdtempSync(join(tmpdir(), "barometer-instance-"));
	// A stand-in for `npm start`: answers its health route and takes events.
	live = createServer(async (req, res) => {
		let body = "";
		for await (const chunk of req) body += chunk;
		if (req.url === "/v1/events") {
			const { events } = JSON.parse(body) as { events: unknown[] };
			posted.push(...events);
			return res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ accepted: events.length }));
		}
		res.writeHead(req.url === "/v1/health" ? 200 : 404).end("{}");
	});
	await new Promise<void>((r) => live.listen(0, "127.0.0.1", r));
	liveUrl = `http://127.0.0.1:${(live.address() as AddressInfo).port}`;
});
afterAll(() => {
	live.close();
	rmSync(state, { recursive: true, force: true });
});

/** Resolves with a record of `recorded` (or none), collecting what it says. */
async function resolveWith(recorded: string | undefined, options: { url?: string; env?: Record<string, string> } = {}) {
	const file = instanceFile(env());
	rmSync(file, { force: true });
	if (recorded) recordInstance(file, recorded);
	const said: string[] = [];
	const result = await resolveInstanceUrl({ url: options.url, env: { ...env(), ...options.env }, log: (m) => said.push(m) });
	return { ...result, said };
}

describe("which instance the demo, sample traffic and CLI talk to", () => {
	it("--url wins over everything", async () => {
		const r = await resolveWith(liveUrl, { url: "https://ingest.example.com/", env: { BAROMETER_URL: "http://elsewhere", PORT: "9100" } });
		expect(r).toMatchObject({ url: "https://ingest.example.com", source: "--url", said: [] });
	});

	it("the URL `npm start` recorded, when it answers /v1/health", async () => {
		expect(await resolveWith(liveUrl)).toEqual({ url: liveUrl, source: instanceFile(env()), said: [] });
	});

	it("a record whose instance is gone (dead port): falls back to :8787 and says why", async () => {
		const dead = `http://127.0.0.1:${await freePort()}`;
		const r = await resolveWith(dead);
		expect(r.url).toBe("http://localhost:8787");
		expect(r.said).toEqual([expect.stringContaining(`names ${dead}, which does not answer`)]);
	});

	it("PORT, as npm start reads it, over a record; BAROMETER_URL over PORT", async () => {
		expect(await resolveWith(liveUrl, { env: { PORT: "9100" } })).toMatchObject({ url: "http://localhost:9100", source: "PORT" });
		expect(await resolveWith(undefined, { env: { PORT: "9100", BAROMETER_URL: "http://h:1/" } })).toMatchObject({ url: "http://h:1", source: "BAROMETER_URL" });
	});

	it("nothing recorded: http://localhost:8787, quietly", async () => {
		expect(await resolveWith(undefined)).toEqual({ url: "http://localhost:8787", source: "default", said: [] });
	});

	it("an unreadable record is said and skipped", async () => {
		writeFileSync(instanceFile(env()), "{not json");
		const said: string[] = [];
		expect((await resolveInstanceUrl({ env: env(), log: (m) => said.push(m) })).url).toBe("http://localhost:8787");
		expect(said).toEqual([expect.stringContaining("unreadable")]);
	});

	it("npm start removes only its own record on exit", () => {
		const file = instanceFile(env());
		recordInstance(file, liveUrl);
		writeFileSync(file, JSON.stringify({ url: liveUrl, pid: process.pid + 1 }));
		forgetInstance(file);
		expect(JSON.parse(readFileSync(file, "utf8")).pid).toBe(process.pid + 1);
		recordInstance(file, liveUrl);
		forgetInstance(file);
		expect(existsSync(file)).toBe(false);
	});

	it("the CLI's admin commands use the recorded instance, with the local admin key", async () => {
		recordInstance(instanceFile(env()), liveUrl);
		expect(await instance([], "admin", env())).toEqual({ url: liveUrl, key: "bm_admin_localdev00000000000000000000" });
		expect(await instance(["--url", "https://prod.example.com"], "admin", env())).toEqual({ url: "https://prod.example.com", key: undefined });
	});

	it("npm run sample-traffic sends to the recorded instance", async () => {
		recordInstance(instanceFile(env()), liveUrl);
		const { PORT: _port, BAROMETER_URL: _url, ...rest } = process.env;
		const tsx = join(import.meta.dirname, "../node_modules/tsx/dist/cli.mjs");
		const { stdout } = await promisify(execFile)(process.execPath, [tsx, "scripts/send-sample-traffic.ts", "--events", "3"], { env: { ...rest, ...env() } });
		expect(stdout).toContain(`sent 3 events, 3 accepted, to ${liveUrl}`);
		expect(posted).toHaveLength(3);
	}, 30_000);
});

describe("when no instance answers", () => {
	it("requireInstance says how to point at one and exits 1, instead of a fetch stack trace", async () => {
		const said: string[] = [];
		let code: number | undefined;
		await requireInstance("http://127.0.0.1:9", { log: (m) => said.push(m), exit: (c) => (code = c), timeoutMs: 500 });
		expect(code).toBe(1);
		expect(said.join("\n")).toMatch(/no instance answers at http:\/\/127\.0\.0\.1:9.*--url.*PORT.*BAROMETER_STATE/s);
	});
});
