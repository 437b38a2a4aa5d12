// Builds the dashboard into dashboard/dist: one JS bundle, one CSS file, index.html.
// Usage: node dashboard/build.mjs [--watch]
import { copyFile, mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const target = join(root, "dist");
const watch = process.argv.includes("--watch");
// A build writes its own directory and swaps it in at the end, so two builds at once (two `npm start` on one
// machine) never delete each other's files mid-write. Watch mode writes dist in place.
const dist = watch ? target : join(root, `.dist-${process.pid}-${Date.now()}`);

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await copyFile(join(root, "index.html"), join(dist, "index.html"));

/** Puts the finished build in place of dist; a build that finished at the same moment from the same sources may win. */
async function swapIn() {
	const old = join(root, `.dist-old-${process.pid}-${Date.now()}`);
	await rename(target, old).catch((err) => {
		if (err.code !== "ENOENT") throw err;
	});
	try {
		await rename(dist, target);
	} catch (err) {
		if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
		await rm(dist, { recursive: true, force: true });
	}
	await rm(old, { recursive: true, force: true });
}

const options = {
	entryPoints: { main: join(root, "src/main.tsx") },
	outdir: join(dist, "assets"),
	bundle: true,
	format: "esm",
	target: "es2022",
	jsx: "automatic",
	jsxImportSource: "preact",
	minify: !watch,
	sourcemap: true,
	metafile: true,
	logLevel: "warning",
};

if (watch) {
	const ctx = await esbuild.context(options);
	await ctx.watch();
	console.log("dashboard: watching for changes");
} else {
	const result = await esbuild.build(options);
	const bytes = Object.entries(result.metafile.outputs)
		.filter(([file]) => !file.endsWith(".map"))
		.map(([file, out]) => `${file.split("/").pop()} ${(out.bytes / 1024).toFixed(1)} KB`);
	await swapIn();
	console.log(`dashboard built: ${bytes.join(", ")}`);
}
