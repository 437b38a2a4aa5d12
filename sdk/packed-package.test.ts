// The SDK as users get it: `npm pack`, installed into a fresh project, run by plain Node (no
// TypeScript loader) as ESM and as CommonJS, and its declarations checked by tsc.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const SDK = join(import.meta.dirname, ".");
const SYSTEM_NODE = "/usr/bin/node";
const WRITE_KEY = "bm_write_packtest0000000000000000000";
// npm run / npx export npm_config_* (prefix, workspace…) that would point the inner npm at this repo.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));

let dir: string;
let app: string;
let packed: { filename: string; files: { path: string }[] };
let server: Server;
let url: string;
const received: { auth: string; body: { events: { event_id: string; user_id: string; output: string }[] } }[] = [];

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "barometer-sdk-pack-"));
	app = join(dir, "app");
	const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: SDK, env: cleanEnv });
	// prepack builds first and prints to the same stdout: the JSON report is what follows the first "[".
	[packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as [typeof packed];
	const tgz = join(dir, packed.filename);
	mkdirSync(app);
	writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }));
	await run("npm", ["install", tgz, "--offline", "--no-audit", "--no-fund"], { cwd: app, env: cleanEnv });
	writeFileSync(join(app, "send.mjs"), sender("esm"));
	writeFileSync(join(app, "send.cjs"), sender("cjs"));
	server = createServer(async (req, res) => {
		let body = "";
		for await (const chunk of req) body += chunk;
		if (req.url === "/v1/events") received.push({ auth: req.headers.authorization ?? "", body: JSON.parse(body) });
		res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ accepted: 1 }));
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(() => {
	server?.close();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A script that sends one event named after its runtime and format, and fails loudly on any SDK error. */
function sender(format: "esm" | "cjs") {
	const load = format === "esm" ? `import { Barometer } from "@barometer/sdk";` : `const { Barometer } = require("@barometer/sdk");`;
	const body = `
const bm = new Barometer({ writeKey: process.env.WRITE_KEY, endpoint: process.env.URL, maxRetries: 1, onError: (e) => { console.error(e.message); process.exitCode = 1; } });
bm.trackAi({ event_id: "evt_${format}_" + process.versions.node.split(".")[0], user_id: "user_pack", output: "hello from ${format}" });
await bm.close();`;
	return format === "esm" ? `${load}\n${body}\n` : `${load}\n(async () => {${body}\n})();\n`;
}

async function sendWith(node: string, script: string, format: "esm" | "cjs") {
	const { stdout: version } = await run(node, ["-p", "process.versions.node.split('.')[0]"]);
	await run(node, [join(app, script)], { cwd: app, env: { ...cleanEnv, URL: url, WRITE_KEY } });
	const eventId = `evt_${format}_${version.trim()}`;
	const request = received.find((r) => r.body.events.some((e) => e.event_id === eventId));
	expect(request, `the server got ${eventId}`).toBeDefined();
	expect(request!.auth).toBe(`Bearer ${WRITE_KEY}`);
	expect(request!.body.events).toEqual([expect.objectContaining({ event_id: eventId, user_id: "user_pack", output: `hello from ${format}` })]);
}

describe("@barometer/sdk as a packed package", () => {
	it("packs only the build output, README and package.json", () => {
		const paths = packed.files.map((f) => f.path).sort();
		expect(paths).toEqual(expect.arrayContaining(["README.md", "dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts", "package.json"]));
		expect(paths.filter((p) => !p.startsWith("dist/") && p !== "README.md" && p !== "package.json")).toEqual([]);
	});

	it("has no Node built-in import in what runs in browsers, Workers, Deno and Bun", () => {
		for (const file of ["index.js", "index.cjs"]) {
			const code = readFileSync(join(app, "node_modules/@barometer/sdk/dist", file), "utf8");
			expect(code).not.toMatch(/(from\s*|require\(\s*|import\(\s*)["'](node:|fs|http|crypto|path)/);
		}
	});

	it("sends an event from an ESM script under the test runner's Node", () => sendWith(process.execPath, "send.mjs", "esm"));
	it("sends an event from a CommonJS script under the test runner's Node", () => sendWith(process.execPath, "send.cjs", "cjs"));

	const noSystemNode = existsSync(SYSTEM_NODE) ? false : `skipped: no system Node at ${SYSTEM_NODE}`;
	it.skipIf(noSystemNode)(`sends an event from an ESM script under the system Node (${SYSTEM_NODE})`, () => sendWith(SYSTEM_NODE, "send.mjs", "esm"));
	it.skipIf(noSystemNode)(`sends an event from a CommonJS script under the system Node (${SYSTEM_NODE})`, () => sendWith(SYSTEM_NODE, "send.cjs", "cjs"));

	it("type-checks an ESM and a CommonJS consumer against the installed declarations (node16, then bundler)", async () => {
		const use = `const bm = new Barometer({ writeKey: "k", onError: (e: BarometerError) => console.log(e.kind) });
const id: string = bm.trackAi({ user_id: "u", output: "o" });
bm.trackSignal({ event_id: id, signal: "thumbs_up" });
const telemetry: { isEnabled: boolean; metadata: Record<string, string | number | boolean> } = aiTelemetry({ userId: "u", convoId: "c" });
// @ts-expect-error user_id is required
bm.trackAi({ output: "o" });
export { telemetry };\n`;
		writeFileSync(join(app, "consumer.mts"), `import { Barometer, aiTelemetry, type BarometerError } from "@barometer/sdk";\n${use}`);
		writeFileSync(join(app, "consumer.cts"), `import { Barometer, aiTelemetry, type BarometerError } from "@barometer/sdk";\n${use}`);
		const tsc = join(import.meta.dirname, "../node_modules/typescript/bin/tsc");
		const check = (...args: string[]) =>
			run(process.execPath, [tsc, "--noEmit", "--strict", "--lib", "es2022,dom", "--skipLibCheck", "false", ...args], { cwd: app }).catch((err) => {
				throw new Error(`tsc ${args.join(" ")}:\n${err.stdout}${err.stderr}`);
			});
		await check("--module", "node16", "--moduleResolution", "node16", "consumer.mts", "consumer.cts");
		await check("--module", "preserve", "--moduleResolution", "bundler", "consumer.mts");
	}, 60_000);
});
