// `npx tsx eval/clustering-report.ts ['{"threshold":0.4}']`: only the clustering rows of the eval
// table (the report data: clinc150, banking77 test, forbidden questions), with the defaults or the
// given ClusterOptions. Run once per finalist chosen on dev (eval/clustering-sweep.ts), never to tune.
import { useLiteEmbedder } from "#core/embedding/use-lite-node";
import { clusteringTable } from "./clustering-eval";
import { CachedEmbedder } from "./embedding-cache";

console.log(await clusteringTable(new CachedEmbedder(await useLiteEmbedder()), JSON.parse(process.argv[2] ?? "{}")));
