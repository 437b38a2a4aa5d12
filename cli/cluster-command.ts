import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { nameIntents } from "../core/clustering/cluster-naming";
import { clusterTexts, OUTLIER } from "../core/clustering/cluster-texts";
import { useLiteEmbedder } from "../core/embedding/use-lite-node";

const lineSchema = z.object({
	id: z.union([z.string(), z.number()], { error: "is required: a string or a number" }),
	input: z.string().nullish(),
	output: z.string().nullish(),
});

/**
 * `barometer cluster FILE.jsonl [--field input|output] [-o OUT]`: `{ "id", "cluster", "title" }` per
 * line, in order, without being told the number of clusters. Lines are clustered on `input`
 * (or `output` when there is none, or with --field output). A line like no other is an outlier:
 * `"cluster": -1, "title": "unclustered"`. Invalid lines get `{ "id", "error" }`.
 */
export async function clusterCommand(args: string[]): Promise<number> {
	const flag = (name: string) => {
		const i = args.indexOf(name);
		return i >= 0 ? args[i + 1] : undefined;
	};
	const field = flag("--field");
	const out = flag("-o") ?? flag("--out");
	const file = args.find((a, i) => (a === "-" || !a.startsWith("-")) && !["--field", "-o", "--out"].includes(args[i - 1] ?? ""));
	if (!file || (field && field !== "input" && field !== "output")) {
		console.error("usage: barometer cluster FILE.jsonl [--field input|output] [-o OUT.jsonl]");
		return 2;
	}
	const lines = readFileSync(file === "-" ? 0 : file, "utf8")
		.split("\n")
		.filter((l) => l.trim());
	const parsed = lines.map((line, i) => {
		try {
			const x = lineSchema.parse(JSON.parse(line));
			const text = (field === "output" ? x.output : (x.input ?? x.output)) ?? "";
			if (!text.trim()) throw new Error(`no ${field ?? "input or output"} text`);
			return { id: x.id, text };
		} catch (err) {
			const message = err instanceof z.ZodError ? err.issues.map((iss) => `${iss.path.join(".")}: ${iss.message}`).join("; ") : (err as Error).message;
			console.error(`barometer cluster: line ${i + 1}: ${message}`);
			return { error: `line ${i + 1}: ${message}`, id: null };
		}
	});
	const ok = parsed.filter((p): p is { id: string | number; text: string } => "text" in p);
	const { assignments, clusters } = await clusterTexts(
		await useLiteEmbedder(),
		ok.map((p) => p.text),
	);
	// Each cluster is named alone; named together, two that would read the same ("Book a hotel") are told apart.
	const names = nameIntents(
		clusters.map((c) => ({ texts: ok.filter((_, i) => assignments[i] === c.id).map((p) => p.text), central: ok[c.central]?.text, keywords: c.keywords })),
	);
	const titles = clusters.map((c, i) => names[i] ?? c.title);
	let k = 0;
	const result = parsed.map((p) => {
		if (!("text" in p)) return JSON.stringify(p);
		const cluster = assignments[k++]!;
		return JSON.stringify({ id: p.id, cluster, title: cluster === OUTLIER ? "unclustered" : titles[cluster]! });
	});
	const text = `${result.join("\n")}\n`;
	if (out) writeFileSync(out, text);
	else process.stdout.write(text);
	console.error(`barometer cluster: ${ok.length} lines, ${clusters.length} clusters, ${assignments.filter((a) => a === OUTLIER).length} outliers`);
	return ok.length === parsed.length ? 0 : 1;
}
