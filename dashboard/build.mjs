// Builds the dashboard into dashboard/dist: one JS bundle, one CSS file, index.html.
// Usage: node dashboard/build.mjs [--watch]
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const watch = process.argv.includes("--watch");

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await copyFile(join(root, "index.html"), join(dist, "index.html"));

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
	console.log(`dashboard built: ${bytes.join(", ")}`);
}
