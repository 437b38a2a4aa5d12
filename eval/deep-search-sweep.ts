// `npx tsx eval/deep-search-sweep.ts`: chooses the deep search loop's knobs (LoopOptions) on the
// *tune* half of the eval pools; `npm run eval` reports the other half. Prints the mean F1 after
// 20 labels and of the definition alone for each setting, and per definition with DETAIL=1.
// GRID="l2=0.003,0.01,0.03;priorScale=8,12" sweeps any numeric LoopOptions (defaults: DEFAULT_OPTIONS).
// SEEDS=40 runs 40 pools per definition instead of the report's 3: one run of 3 pools moves by
// ±0.03 with the labels asked alone, 40 pools (240 loops, about a minute) by well under 0.01.
import { useLiteEmbedder } from "#core/embedding/use-lite-node";
import type { LoopOptions } from "#core/deep-search/loop";
import { deepSearchResults, deepSearchTable, SEEDS } from "./deep-search-eval";
import { CachedEmbedder } from "./embedding-cache";

const embedder = new CachedEmbedder(await useLiteEmbedder());
const axes = (process.env.GRID ?? "l2=0.01").split(";").map((a) => {
	const [key, values] = a.split("=");
	return { key: key!, values: values!.split(",").map(Number) };
});
const settings = axes.reduce<Partial<LoopOptions>[]>((acc, { key, values }) => acc.flatMap((o) => values.map((v) => ({ ...o, [key]: v }))), [{}]);
for (const options of settings) {
	const seeds = process.env.SEEDS ? Array.from({ length: Number(process.env.SEEDS) }, (_, i) => i + 1) : SEEDS;
	const results = await deepSearchResults(embedder, "tune", options, seeds);
	const mean = (pick: (r: (typeof results)[number]) => number) => (results.reduce((s, r) => s + pick(r), 0) / results.length).toFixed(3);
	const name = Object.entries(options)
		.map(([k, v]) => `${k}=${v}`)
		.join(" ");
	console.log(
		`${name}  loop F1 ${mean((r) => r.loop.f1)}  definition alone F1 ${mean((r) => r.definitionOnly.f1)}  (${results.map((r) => r.loop.f1.toFixed(2)).join(" ")})`,
	);
	if (process.env.DETAIL) console.log(deepSearchTable(results, "tune"));
}
