// Clustering quality for `npm run eval`: the batch algorithm (core/clustering/cluster-texts.ts)
// with its defaults, never told the number of clusters. Parameters were chosen on dev sets only
// (eval/clustering-sweep.ts: banking77 train + oos, xstest, jailbreak communities, snips); the rows below are clinc150 (all), banking77's test split and the
// forbidden-questions set.
import { ari, nmi, purity } from "#core/clustering/clustering-metrics";
import { type ClusterOptions, clusterTexts, OUTLIER } from "#core/clustering/cluster-texts";
import type { Embedder } from "#core/embedding/embedder";
import { readRows } from "./datasets";

export async function clusteringTable(embedder: Embedder, opts: ClusterOptions = {}): Promise<string> {
	const sets: { name: string; rows: Record<string, unknown>[]; target?: string }[] = [
		{ name: "clinc150 (150 intents + oos)", rows: readRows("clinc150"), target: "NMI ≥ 0.82, ARI ≥ 0.45, clusters 75-300" },
		{ name: "banking77 (test split)", rows: readRows("banking77").filter((r) => r.split === "test") },
		{ name: "jailbreak_llms_forbidden_questions", rows: readRows("jailbreak_llms_forbidden_questions") },
	];
	const lines = [
		"| data | rows | labels | clusters found | outliers | NMI | ARI | purity | seconds | target |",
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
	];
	for (const set of sets) {
		const texts = set.rows.map((r) => String(r.text));
		const gold = set.rows.map((r) => String(r.label));
		await embedder.embed(texts); // encoded before the clock starts: the table times the clustering
		const start = performance.now();
		const { assignments, clusters } = await clusterTexts(embedder, texts, opts);
		const seconds = (performance.now() - start) / 1000;
		lines.push(
			`| ${set.name} | ${texts.length} | ${new Set(gold).size} | ${clusters.length} | ${assignments.filter((a) => a === OUTLIER).length} | ${nmi(assignments, gold).toFixed(3)} | ${ari(assignments, gold).toFixed(3)} | ${purity(assignments, gold).toFixed(3)} | ${seconds.toFixed(1)} | ${set.target ?? ""} |`,
		);
	}
	return lines.join("\n");
}
