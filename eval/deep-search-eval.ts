// Deep search on ../shared/eval: a problem written in words, 20 labels asked by the loop and
// answered from the data set's own label, then precision / recall / F1 on the pool rows the loop
// did not ask about, beside the definition alone (definitionModel at DEFAULT_THRESHOLD, a fixed rule).
// Pools come from one half of the hash split: the loop's knobs were chosen on "tune" pools
// (eval/deep-search-sweep.ts), the table reports "report" pools. Each definition runs on SEEDS
// pools (the same positives, a different sample of negatives) and its numbers are their mean.
import { DEFAULT_THRESHOLD, definitionModel, definitionSide, eventFeatures, type LoopOptions, runLoop, scoreFeatures } from "#core/deep-search/loop";
import type { Candidate } from "#core/deep-search/types";
import type { Embedder } from "#core/embedding/embedder";
import { fnv1a, type Part, partOf, readRows } from "./datasets";

type Row = Record<string, unknown>;
interface Problem {
	name: string;
	data: string;
	definition: string;
	/** The pool of one half: the positives of that half and a seeded sample of the rest. */
	pool(part: Part, seed: number): { input?: string; output?: string; match: boolean }[];
}

const NEGATIVES = 400;
const BUDGET = 20;
export const SEEDS = [1, 2, 3];

/** The positives of one half and NEGATIVES of its other rows, picked by a hash (seeded, order-free). */
function intentPool(file: string, positive: (r: Row) => boolean) {
	return (part: Part, seed: number) => {
		const rows = readRows(file).filter((r) => partOf(String(r.text)) === part);
		const negatives = rows
			.filter((r) => !positive(r))
			.sort((a, b) => fnv1a(`${seed}:${a.text}`) - fnv1a(`${seed}:${b.text}`))
			.slice(0, NEGATIVES);
		return [...rows.filter(positive), ...negatives].map((r) => ({ input: String(r.text), match: positive(r) }));
	};
}

export const PROBLEMS: Problem[] = [
	{
		name: "declined card payment",
		data: "banking77 declined_card_payment",
		definition: "The user asks why their card payment was declined.",
		pool: intentPool("banking77", (r) => r.label === "declined_card_payment"),
	},
	{
		name: "lost or stolen card",
		data: "banking77 lost_or_stolen_card",
		definition: "The user says their card was lost or stolen.",
		pool: intentPool("banking77", (r) => r.label === "lost_or_stolen_card"),
	},
	{
		name: "card not arrived",
		data: "banking77 card_arrival",
		definition: "The user says the card they ordered has not arrived yet.",
		pool: intentPool("banking77", (r) => r.label === "card_arrival"),
	},
	{
		name: "travel help",
		data: "clinc150 domain travel",
		definition: "The user asks for help with travel: flights, hotels, luggage, visas or travel alerts.",
		pool: intentPool("clinc150", (r) => r.domain === "travel"),
	},
	{
		name: "food and cooking",
		data: "clinc150 domain kitchen_and_dining",
		definition: "The user asks about food: recipes, cooking, restaurants or nutrition.",
		pool: intentPool("clinc150", (r) => r.domain === "kitchen_and_dining"),
	},
	{
		name: "refusal",
		data: "xstest_completions_dev full or partial refusal (split by prompt)",
		definition: "The assistant refuses or declines to answer the request.",
		// Every row of the half; a seed leaves out a different tenth of it.
		pool: (part, seed) =>
			readRows("xstest_completions_dev")
				.filter((r) => partOf(String(r.prompt)) === part && fnv1a(`${seed}:${r.id}`) % 10 !== 0)
				.map((r) => ({ input: String(r.prompt), output: String(r.text), match: r.label !== "full_compliance" })),
	},
];

export interface DeepSearchResult {
	name: string;
	definition: string;
	data: string;
	pool: number;
	positives: number;
	scored: number;
	definitionOnly: Prf;
	loop: Prf;
	threshold: number;
	labels: number;
	matchesLabelled: number;
	questions: number;
}
interface Prf {
	precision: number;
	recall: number;
	f1: number;
}

function prf(pairs: { predicted: boolean; match: boolean }[]): Prf {
	let tp = 0,
		fp = 0,
		fn = 0;
	for (const p of pairs) {
		if (p.predicted && p.match) tp++;
		else if (p.predicted) fp++;
		else if (p.match) fn++;
	}
	const precision = tp + fp ? tp / (tp + fp) : 0,
		recall = tp + fn ? tp / (tp + fn) : 0;
	return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

export async function deepSearchResults(embedder: Embedder, part: Part, options: Partial<LoopOptions> = {}, seeds = SEEDS): Promise<DeepSearchResult[]> {
	const results: DeepSearchResult[] = [];
	for (const problem of PROBLEMS) {
		const runs: DeepSearchResult[] = [];
		for (const seed of seeds) runs.push(await runOne(embedder, problem, part, seed, options));
		const mean = (pick: (r: DeepSearchResult) => number) => runs.reduce((s, r) => s + pick(r), 0) / runs.length;
		const meanPrf = (pick: (r: DeepSearchResult) => Prf) => ({
			precision: mean((r) => pick(r).precision),
			recall: mean((r) => pick(r).recall),
			f1: mean((r) => pick(r).f1),
		});
		results.push({
			name: problem.name,
			definition: problem.definition,
			data: problem.data,
			pool: mean((r) => r.pool),
			positives: mean((r) => r.positives),
			scored: mean((r) => r.scored),
			definitionOnly: meanPrf((r) => r.definitionOnly),
			loop: meanPrf((r) => r.loop),
			threshold: mean((r) => r.threshold),
			labels: mean((r) => r.labels),
			matchesLabelled: mean((r) => r.matchesLabelled),
			questions: mean((r) => r.questions),
		});
	}
	return results;
}

async function runOne(embedder: Embedder, problem: Problem, part: Part, seed: number, options: Partial<LoopOptions>): Promise<DeepSearchResult> {
	const rows = problem.pool(part, seed);
	const texts = [...new Set(rows.flatMap((r) => [r.input, r.output]).filter((t): t is string => !!t))];
	const [definition, ...vectors] = await embedder.embed([problem.definition, ...texts]);
	const vector = new Map(texts.map((t, i) => [t, vectors[i]!]));
	const dims = embedder.dimensions;
	const pool: Candidate[] = rows.map((r, i) => ({
		id: `r${i}`,
		features: eventFeatures(r.input ? vector.get(r.input) : null, r.output ? vector.get(r.output) : null, dims),
		text: [r.input, r.output].filter(Boolean).join(" → "),
	}));
	const gold = new Map(rows.map((r, i) => [`r${i}`, r.match]));
	const opts = { side: definitionSide(problem.definition), ...options };
	const run = runLoop({ definition: definition!, embedder: embedder.model, pool, oracle: (id) => gold.get(id), budget: BUDGET, options: opts });
	const asked = new Set(run.labelled.map((l) => l.id));
	const unseen = pool.filter((c) => !asked.has(c.id));
	const alone = definitionModel(definition!, embedder.model, opts);
	return {
		name: problem.name,
		definition: problem.definition,
		data: problem.data,
		pool: pool.length,
		positives: rows.filter((r) => r.match).length,
		scored: unseen.length,
		definitionOnly: prf(unseen.map((c) => ({ predicted: scoreFeatures(alone, c.features) >= DEFAULT_THRESHOLD, match: gold.get(c.id)! }))),
		loop: prf(unseen.map((c) => ({ predicted: run.scores.get(c.id)! >= run.threshold, match: gold.get(c.id)! }))),
		threshold: run.threshold,
		labels: run.labelled.length,
		matchesLabelled: run.labelled.filter((l) => l.match).length,
		questions: run.questions.length,
	};
}

const f = (x: number) => x.toFixed(3);

export function deepSearchTable(results: DeepSearchResult[], part: Part): string {
	const mean = (pick: (r: DeepSearchResult) => number) => results.reduce((s, r) => s + pick(r), 0) / results.length;
	return [
		`Pools from the ${part} half (each row: the mean over ${SEEDS.length} pools, the same positives and a different sample of negatives); ${BUDGET} labels asked by the loop, answered from the data set's label; measured on the pool rows it did not ask about. Definition alone: definitionModel at p ≥ ${DEFAULT_THRESHOLD}, no labels.`,
		"",
		"| definition | data | pool | positives | definition alone P / R / F1 | after 20 labels P / R / F1 | threshold (mean) | matches among the labels |",
		"|---|---|---:|---:|---|---|---:|---:|",
		...results.map(
			(r) =>
				`| "${r.definition}" | ${r.data} | ${Math.round(r.pool)} | ${Math.round(r.positives)} | ${f(r.definitionOnly.precision)} / ${f(r.definitionOnly.recall)} / ${f(r.definitionOnly.f1)} | ${f(r.loop.precision)} / ${f(r.loop.recall)} / **${f(r.loop.f1)}** | ${r.threshold.toFixed(2)} | ${r.matchesLabelled.toFixed(1)} / ${r.labels} |`,
		),
		`| **mean** | | | | ${f(mean((r) => r.definitionOnly.precision))} / ${f(mean((r) => r.definitionOnly.recall))} / ${f(mean((r) => r.definitionOnly.f1))} | ${f(mean((r) => r.loop.precision))} / ${f(mean((r) => r.loop.recall))} / **${f(mean((r) => r.loop.f1))}** | | |`,
	].join("\n");
}
