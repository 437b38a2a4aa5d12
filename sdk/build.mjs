// `npm run build` (and `npm pack`, through prepack): the SDK as plain JavaScript, ESM and CommonJS,
// with declarations for both, so it installs and runs without a TypeScript loader.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });

// One file per format; platform neutral, so no Node built-in can slip in (a build error if one does).
// es2020 keeps it loadable by Node 18 and by browsers a few years old.
for (const [format, outfile] of [
	["esm", "index.js"],
	["cjs", "index.cjs"],
]) {
	await build({
		entryPoints: [join(root, "src/index.ts")],
		outfile: join(dist, outfile),
		bundle: true,
		format,
		platform: "neutral",
		target: "es2020",
		sourcemap: true,
		logLevel: "warning",
	});
}

// Declarations from tsc; CommonJS consumers under moduleResolution node16 need their own .d.cts
// (a .d.ts in a "type": "module" package describes ESM), so each is copied with its imports renamed.
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
for (const file of readdirSync(dist).filter((f) => f.endsWith(".d.ts"))) {
	const text = readFileSync(join(dist, file), "utf8").replace(/(["']\.\.?\/[^"']+)\.js(["'])/g, "$1.cjs$2");
	writeFileSync(join(dist, file.replace(/\.d\.ts$/, ".d.cts")), text);
}
console.log(`@barometer/sdk: built ${readdirSync(dist).length} files in sdk/dist`);
