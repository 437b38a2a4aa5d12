// `npm run eval`: detector precision / recall / F1 per signal on the *report* part of
// ../shared/eval (rows never used to train or calibrate), plus the project's own cases
// in eval/cases/, clustering, and deep search. Prints the tables and writes docs/quality.md.
// EVAL_ONLY=detection,clustering,deep-search runs (and rewrites) only the sections named.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createDetector } from "#core/detection/default-detector";
import { useLiteEmbedder } from "#core/embedding/use-lite-node";
import { CachedEmbedder } from "./embedding-cache";
import type { DetectionInput } from "#core/detection/detection-input";
import type { ImplicitSignal } from "#core/detection/signal-catalog";
import { clusteringTable } from "./clustering-eval";
import { partOf, readRows, ussTurns, xstestCompletions } from "./datasets";
import { deepSearchResults, deepSearchTable } from "./deep-search-eval";

const SECTIONS = ["detection", "clustering", "deep-search"] as const;
const only = process.env.EVAL_ONLY?.split(",").map((s) => s.trim());
const unknown = only?.filter((s) => !(SECTIONS as readonly string[]).includes(s));
if (unknown?.length) throw new Error(`EVAL_ONLY: unknown section ${unknown.join(", ")} (sections: ${SECTIONS.join(", ")})`);
const runs = (section: (typeof SECTIONS)[number]) => !only || only.includes(section);

const embedder = new CachedEmbedder(await useLiteEmbedder());
const detector = createDetector(embedder);
interface Row {
	name: string;
	data: string;
	n: number;
	pos: number;
	tp: number;
	fp: number;
	fn: number;
	target?: string;
	/** Counts are weighted (the data set's weights restore its natural prior). */
	weighted?: boolean;
}

interface Case {
	x: DetectionInput;
	label: boolean;
	weight?: number;
}

async function measure(name: string, data: string, cases: Case[], predicted: (signals: Set<string>) => boolean, target?: string): Promise<Row> {
	const row: Row = { name, data, n: cases.length, pos: 0, tp: 0, fp: 0, fn: 0, target, weighted: cases.some((c) => c.weight !== undefined) };
	const results = await detector.detectBatch(cases.map((c) => c.x));
	cases.forEach((c, i) => {
		const hit = predicted(new Set(results[i]!.filter((s) => s.detected).map((s) => s.signal)));
		const w = c.weight ?? 1;
		if (c.label) row.pos++;
		if (hit && c.label) row.tp += w;
		else if (hit) row.fp += w;
		else if (c.label) row.fn += w;
	});
	return row;
}

/** A user turn with the turns before it, as the detect worker hands them over. */
const asTurn = (e: ReturnType<typeof ussTurns>[number]): DetectionInput => ({
	input: e.text,
	history: [
		...(e.context?.previousRequest ? [{ role: "user" as const, content: e.context.previousRequest }] : []),
		...(e.context?.previousReply ? [{ role: "assistant" as const, content: e.context.previousReply }] : []),
	],
});

const has = (signal: ImplicitSignal) => (s: Set<string>) => s.has(signal);
const report = <T extends Record<string, unknown>>(rows: T[], key: (r: T) => string = (r) => String(r.text)) => rows.filter((r) => partOf(key(r)) === "report");
const labels = (r: Record<string, unknown>) => (Array.isArray(r.label) ? (r.label as string[]) : [String(r.label)]);

async function detectionRows(): Promise<Row[]> {
	const toxicchat = readRows("toxicchat");
	const rows: Row[] = [
		await measure(
			"refusal",
			"xstest_completions_dev: full or partial refusal (report half, split by prompt)",
			xstestCompletions("report").map((e) => ({ x: { input: e.context?.request, output: e.text }, label: e.label === 1 })),
			has("refusal"),
			"F1 ≥ 0.90 (aim 0.95)",
		),
		await measure(
			"user_frustration",
			"uss_satisfaction_dev: dissatisfied turn with its context (report half, split by dialogue; weighted)",
			ussTurns("report").map((e) => ({ x: asTurn(e), label: e.label === 1, weight: e.weight })),
			has("user_frustration"),
			"F1 ≥ 0.30 (aim 0.50)",
		),
		await measure(
			"refusal",
			"jbb_attack_artifacts: response, refused = not jailbroken",
			report(readRows("jbb_attack_artifacts"), (r) => String(r.response ?? ""))
				.filter((r) => r.response)
				.map((r) => ({ x: { input: String(r.text), output: String(r.response) }, label: !r.jailbroken })),
			has("refusal"),
			"F1 ≥ 0.95",
		),
		await measure(
			"jailbreak",
			"toxicchat: jailbreaking (report half)",
			report(toxicchat).map((r) => ({ x: { input: String(r.text) }, label: r.jailbreaking === 1 })),
			has("jailbreak"),
			"F1 ≥ 0.80",
		),
		await measure(
			"jailbreak",
			"toxicchat: jailbreaking (all rows; never tuned on)",
			toxicchat.map((r) => ({ x: { input: String(r.text) }, label: r.jailbreaking === 1 })),
			has("jailbreak"),
		),
		await measure(
			"nsfw or jailbreak",
			"toxicchat: toxicity (report half)",
			report(toxicchat).map((r) => ({ x: { input: String(r.text) }, label: r.toxicity === 1 })),
			(s) => s.has("nsfw") || s.has("jailbreak"),
			"F1 ≥ 0.65",
		),
		await measure(
			"nsfw",
			"openai_moderation: any category (report half)",
			report(readRows("openai_moderation")).map((r) => ({ x: { input: String(r.text) }, label: !labels(r).includes("none") })),
			has("nsfw"),
		),
		await measure(
			"win",
			"goemotions: gratitude (report half)",
			report(readRows("goemotions")).map((r) => ({ x: { input: String(r.text) }, label: labels(r).includes("gratitude") })),
			has("win"),
			"F1 ≥ 0.93",
		),
		// A win is gratitude, praise or "that worked": gratitude or admiration is the closer label (admiration
		// is praise, though not always of the assistant).
		await measure(
			"win",
			"goemotions: gratitude or admiration (report half)",
			report(readRows("goemotions")).map((r) => ({ x: { input: String(r.text) }, label: labels(r).includes("gratitude") || labels(r).includes("admiration") })),
			has("win"),
			"F1 ≥ 0.90 (aim)",
		),
		await measure(
			"user_frustration",
			"goemotions: anger or annoyance (report half; a proxy)",
			report(readRows("goemotions")).map((r) => ({ x: { input: String(r.text) }, label: labels(r).some((l) => l === "anger" || l === "annoyance") })),
			has("user_frustration"),
			"as high as possible",
		),
	];

	// The project's own cases: one file per signal, positives and hard negatives written by hand.
	for (const file of readdirSync("eval/cases")
		.filter((f) => f.endsWith(".jsonl"))
		.sort()) {
		const cases = readFileSync(`eval/cases/${file}`, "utf8")
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as DetectionInput & { signal: ImplicitSignal; label: boolean });
		const signal = cases[0]!.signal;
		rows.push(
			await measure(
				signal,
				`eval/cases/${file} (own cases)`,
				cases.map((c) => ({ x: c, label: c.label })),
				has(signal),
			),
		);
	}
	return rows;
}

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "—");
const rows = runs("detection") ? await detectionRows() : [];
const table = [
	"| signal | data | rows | positives | precision | recall | F1 | target |",
	"|---|---|---:|---:|---:|---:|---:|---|",
	...rows.map((r) => {
		const p = r.tp / (r.tp + r.fp),
			rc = r.tp / (r.tp + r.fn);
		return `| ${r.name} | ${r.data} | ${r.n} | ${r.pos} | ${f(p)} | ${f(rc)} | ${f((2 * p * rc) / (p + rc))} | ${r.target ?? ""} |`;
	}),
].join("\n");
if (runs("detection")) console.log(table);
mkdirSync("docs", { recursive: true });
const previous = (() => {
	try {
		return readFileSync("docs/quality.md", "utf8");
	} catch {
		return "";
	}
})();
const clustering = runs("clustering") ? await clusteringTable(embedder) : "";
if (clustering) console.log(`\n${clustering}`);
const deepSearch = runs("deep-search") ? deepSearchTable(await deepSearchResults(embedder, "report"), "report") : "";
if (deepSearch) console.log(`\n${deepSearch}`);
/** Replaces the generated table between a section's markers, or appends the section. */
function withSection(doc: string, name: string, heading: string, content: string): string {
	const start = `<!-- ${name}:start -->`,
		end = `<!-- ${name}:end -->`;
	const section = `${start}\n${content}\n${end}`;
	return doc.includes(start) ? doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), section) : `${doc}\n## ${heading}\n\n${section}\n`;
}
let doc = previous || "# Quality\n\nMeasured by `npm run eval`.\n";
if (runs("detection")) doc = withSection(doc, "detection", "Detection", table);
if (clustering) doc = withSection(doc, "clustering", "Clustering", clustering);
if (deepSearch) doc = withSection(doc, "deep-search", "Deep search", deepSearch);
writeFileSync("docs/quality.md", doc);
