// `npx tsx eval/clustering-sweep.ts`: chooses the clustering parameters for the sentence encoder
// on dev sets that the eval table never reports (clinc150, banking77's test split and the
// forbidden-questions set are report-only):
//   b77dev  banking77's *train* split plus 240 out-of-scope texts (120 xstest prompts, 120
//           goemotions comments) labelled as one "oos" group: fine-grained intents;
//   xstest  xstest prompts by `type` with the contrast_ prefix folded in (8 broad topics, e.g.
//           homonyms, privacy, discrimination): broad topics, like the forbidden questions;
//   jbcomm  in-the-wild jailbreak prompts that have a `community` (8; long texts);
//   snips   1000 snips texts (7 intents, seeded sample): coarse sanity check.
// Prints NMI, ARI and the cluster count per set and the mean over sets for each setting.
// GRID="threshold=0.3,0.4;denseWeight=0.5;outlierRatio=0.65,0.75" sweeps any numeric ClusterOptions;
// SETS=b77dev,xstest picks the sets.
import { type ClusterOptions, clusterTexts, OUTLIER } from "#core/clustering/cluster-texts";
import { ari, nmi } from "#core/clustering/clustering-metrics";
import { useLiteEmbedder } from "#core/embedding/use-lite-node";
import { fnv1a, readRows } from "./datasets";
import { CachedEmbedder } from "./embedding-cache";

const embedder = new CachedEmbedder(await useLiteEmbedder());
type Row = Record<string, unknown>;
const set = (rows: Row[], label: (r: Row) => string) => ({ texts: rows.map((r) => String(r.text)), gold: rows.map(label) });
const train = readRows("banking77").filter((r) => r.split !== "test");
const oos = [...readRows("xstest_prompts").slice(0, 120), ...readRows("goemotions").slice(0, 120)];
const all = {
	b77dev: set([...train, ...oos], (r) => (oos.includes(r) ? "oos" : String(r.label))),
	xstest: set(readRows("xstest_prompts"), (r) =>
		String(r.type)
			.replace(/^contrast_/, "")
			.replace(/^(nons_group_real_|real_group_nons_)/, ""),
	),
	jbcomm: set(
		readRows("jailbreak_llms_prompts").filter((r) => r.community),
		(r) => String(r.community),
	),
	snips: set(
		readRows("snips")
			.sort((a, b) => fnv1a(String(a.text)) - fnv1a(String(b.text)))
			.slice(0, 1000),
		(r) => String(r.label),
	),
};
const sets = Object.entries(all).filter(([name]) => !process.env.SETS || process.env.SETS.split(",").includes(name));
for (const [, s] of sets) await embedder.embed(s.texts);

const axes = (process.env.GRID ?? "threshold=0.3,0.35,0.4").split(";").map((a) => {
	const [key, values] = a.split("=");
	return { key: key!, values: values!.split(",").map(Number) };
});
const settings: ClusterOptions[] = axes.reduce<ClusterOptions[]>((acc, { key, values }) => acc.flatMap((o) => values.map((v) => ({ ...o, [key]: v }))), [{}]);
for (const opts of settings) {
	const out = [
		Object.entries(opts)
			.map(([k, v]) => `${k}=${v}`)
			.join(" "),
	];
	let sumN = 0,
		sumA = 0;
	for (const [name, { texts, gold }] of sets) {
		const { assignments, clusters } = await clusterTexts(embedder, texts, opts);
		const [N, A] = [nmi(assignments, gold), ari(assignments, gold)];
		sumN += N;
		sumA += A;
		out.push(`${name}: k=${clusters.length}/${new Set(gold).size} out=${assignments.filter((a) => a === OUTLIER).length} ${N.toFixed(3)}/${A.toFixed(3)}`);
	}
	out.push(`MEAN NMI ${(sumN / sets.length).toFixed(3)} ARI ${(sumA / sets.length).toFixed(3)}`);
	console.log(out.join("  "));
}
