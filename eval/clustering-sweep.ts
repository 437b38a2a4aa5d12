// `npx tsx eval/clustering-sweep.ts`: chooses the clustering parameters for the sentence encoder
// on a dev set that the eval table never reports: banking77's *train* split plus 240 out-of-scope
// texts (120 xstest prompts, 120 goemotions comments) labelled as one "oos" group. Prints NMI, ARI
// and the cluster count for each setting; the table in docs/quality.md is then run once.
import { clusterTexts, OUTLIER } from "../core/clustering/cluster-texts";
import { ari, nmi } from "../core/clustering/clustering-metrics";
import { useLiteEmbedder } from "../core/embedding/use-lite-node";
import { readRows } from "./datasets";
import { CachedEmbedder } from "./embedding-cache";

const embedder = new CachedEmbedder(await useLiteEmbedder());
const train = readRows("banking77").filter((r) => r.split !== "test");
const oos = [...readRows("xstest_prompts").slice(0, 120), ...readRows("goemotions").slice(0, 120)];
const sets = {
	dev: { texts: [...train, ...oos].map((r) => String(r.text)), gold: [...train.map((r) => String(r.label)), ...oos.map(() => "oos")] },
	b77train: { texts: train.map((r) => String(r.text)), gold: train.map((r) => String(r.label)) },
};
const grid = (name: string, fallback: number[]) => (process.env[name] ? process.env[name]!.split(",").map(Number) : fallback);
for (const set of Object.values(sets)) await embedder.embed(set.texts);
for (const threshold of grid("THRESHOLDS", [0.3, 0.35, 0.4, 0.45, 0.5])) {
	for (const denseWeight of grid("DENSE", [0.5, 0.7, 0.85, 1])) {
		for (const outlierRatio of grid("RATIOS", [0.65])) {
			const out = [`t=${threshold} dense=${denseWeight} outliers=${outlierRatio}`];
			for (const [name, { texts, gold }] of Object.entries(sets)) {
				const { assignments, clusters } = await clusterTexts(embedder, texts, { threshold, denseWeight, outlierRatio });
				out.push(`${name}: k=${clusters.length} out=${assignments.filter((a) => a === OUTLIER).length} NMI ${nmi(assignments, gold).toFixed(3)} ARI ${ari(assignments, gold).toFixed(3)}`);
			}
			console.log(out.join("  "));
		}
	}
}
