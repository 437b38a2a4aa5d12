// `npm test` runs this first: the dashboard's end-to-end tests drive Debian's Chromium, and a
// fresh machine has none (a browser download is not possible here). As root with apt-get, it is
// installed from Debian's packages; otherwise the command to run is printed and the tests that
// need it fail with that message. CHROMIUM_PATH points the tests at another build.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(path)) {
	const root = typeof process.getuid === "function" && process.getuid() === 0;
	const apt = spawnSync("sh", ["-c", "command -v apt-get"], { encoding: "utf8" }).status === 0;
	if (!root || !apt || process.env.CHROMIUM_PATH) {
		console.error(`barometer: no Chromium at ${path}; the dashboard tests need it: sudo apt-get install chromium (or set CHROMIUM_PATH)`);
	} else {
		console.log("barometer: installing Chromium from Debian's packages for the dashboard tests (once)…");
		const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
		for (const args of [
			["update", "-qq"],
			["install", "-y", "-qq", "chromium"],
		]) {
			const run = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
			if (run.status !== 0) {
				console.error(`barometer: apt-get ${args.join(" ")} failed (exit ${run.status}); the dashboard tests will fail`);
				break;
			}
		}
	}
}
