import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";

// The dashboard shares its types and a few pure helpers with the API through `#core/*`. A value import
// of a module that pulls a server library (zod, drizzle) puts it in every page load: importing the
// cursor codec through core/event-query once tripled the script (150 KB to 600 KB). Built as
// dashboard/build.mjs builds it.
describe("the dashboard bundle", () => {
	it("holds no server library: the browser gets Preact, uPlot and the dashboard's own code", async () => {
		const result = await esbuild.build({
			entryPoints: ["dashboard/src/main.tsx"],
			bundle: true,
			format: "esm",
			target: "es2022",
			jsx: "automatic",
			jsxImportSource: "preact",
			minify: true,
			metafile: true,
			write: false,
			outdir: "/tmp/dashboard-bundle-test",
			logLevel: "silent",
		});
		const packages = new Set(
			Object.keys(result.metafile.inputs)
				.map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1])
				.filter((name): name is string => name !== undefined),
		);
		expect([...packages].sort()).toEqual(["preact", "uplot"]);
		const js = result.outputFiles.find((f) => f.path.endsWith(".js"))!;
		// The README quotes the size; a doubling means something heavy came in.
		expect(gzipSync(js.contents).length).toBeLessThan(100_000);
	});
});
