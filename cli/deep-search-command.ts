import { readFileSync } from "node:fs";
import { z } from "zod";
import { definitionSide, eventFeatures, runLoop } from "../core/deep-search/loop";
import { type Candidate, DEFINITION_MAX_CHARS, type Label } from "../core/deep-search/types";
import { useLiteEmbedder } from "../core/embedding/use-lite-node";

const USAGE = "usage: barometer deep-search EVENTS.jsonl --definition TEXT [--examples FILE] [--oracle LABELS.jsonl] [--budget 20]";
const idSchema = z.union([z.string(), z.number()], { error: "is required: a string or a number" });
const eventSchema = z
	.object({ id: idSchema, input: z.string().nullish(), output: z.string().nullish() })
	.refine((e) => !!e.input?.trim() || !!e.output?.trim(), { message: "input or output is required", path: ["input"] });
const labelSchema = z.object({ id: idSchema, match: z.boolean({ error: "is required: true or false" }) });
/** Texts per embedder call: the encoder batches inside; this only bounds what is held at once. */
const EMBED_CHUNK = 256;

class InputError extends Error {}

/**
 * `barometer deep-search EVENTS.jsonl --definition TEXT [--examples FILE] [--oracle FILE] [--budget N]`:
 * the deep search loop offline. The definition seeds a model; --examples are labels given up front;
 * the oracle file answers only the events the loop asks about, up to the budget, as a person would.
 * Writes { id, match, score } for every event in order (an event with a label: match is its label,
 * and `labelled: true`); the calibration reached and any clarifying question go to stderr.
 */
export async function deepSearchCommand(args: string[]): Promise<number> {
	const flags = new Map<string, string>();
	const positional: string[] = [];
	for (let i = 0; i < args.length; i++) {
		const a = args[i]!;
		if (["--definition", "--examples", "--oracle", "--budget"].includes(a)) flags.set(a, args[++i] ?? "");
		else if (a.startsWith("--")) return usage(`unknown option ${a}`);
		else positional.push(a);
	}
	const file = positional[0];
	if (!file) return usage("EVENTS.jsonl is required");
	const definitionText = (flags.get("--definition") ?? "").trim();
	if (!definitionText || definitionText.length > DEFINITION_MAX_CHARS) return usage(`--definition must be 1 to ${DEFINITION_MAX_CHARS} characters`);
	const budget = Number(flags.get("--budget") ?? 20);
	if (!Number.isInteger(budget) || budget < 0) return usage("--budget must be a whole number, 0 or more");
	let events: z.infer<typeof eventSchema>[];
	let examples: Label[];
	let oracle: Map<string, boolean>;
	try {
		events = readJsonl(file, eventSchema, "EVENTS");
		examples = flags.has("--examples") ? readJsonl(flags.get("--examples")!, labelSchema, "--examples").map((l) => ({ id: String(l.id), match: l.match })) : [];
		oracle = new Map(flags.has("--oracle") ? readJsonl(flags.get("--oracle")!, labelSchema, "--oracle").map((l) => [String(l.id), l.match]) : []);
	} catch (err) {
		if (!(err instanceof InputError)) throw err;
		console.error(`barometer deep-search: ${err.message}`);
		return 1;
	}
	if (!events.length) {
		console.error(`barometer deep-search: no events in ${file}: one {"id","input"?,"output"?} object per line`);
		return 1;
	}
	const seen = new Set<string>();
	for (const [i, e] of events.entries()) {
		if (seen.has(String(e.id))) {
			console.error(`barometer deep-search: EVENTS: id ${JSON.stringify(e.id)} appears twice (event ${i + 1})`);
			return 1;
		}
		seen.add(String(e.id));
	}

	const embedder = await useLiteEmbedder();
	const texts = [...new Set(events.flatMap((e) => [e.input, e.output]).filter((t): t is string => !!t?.trim()))];
	const vectors = new Map<string, Float32Array>();
	for (let at = 0; at < texts.length; at += EMBED_CHUNK) {
		const chunk = texts.slice(at, at + EMBED_CHUNK);
		(await embedder.embed(chunk)).forEach((v, i) => vectors.set(chunk[i]!, v));
	}
	const [definition] = await embedder.embed([definitionText]);
	const vector = (t: string | null | undefined) => (t?.trim() ? vectors.get(t) : null);
	const pool: Candidate[] = events.map((e) => ({
		id: String(e.id),
		features: eventFeatures(vector(e.input), vector(e.output), embedder.dimensions),
		text: [e.input, e.output].filter((t) => t?.trim()).join(" → "),
	}));
	const side = definitionSide(definitionText);
	const run = runLoop({
		definition: definition!,
		embedder: embedder.model,
		pool,
		oracle: (id) => oracle.get(id),
		budget,
		seedLabels: examples,
		options: { side },
	});

	const labels = new Map(run.labelled.map((l) => [l.id, l.match]));
	let out = "";
	let matches = 0;
	for (const e of events) {
		const id = String(e.id);
		const score = run.scores.get(id)!;
		const label = labels.get(id);
		const match = label ?? score >= run.threshold;
		if (match) matches++;
		out += `${JSON.stringify({ id: e.id, match, score: Math.round(score * 1e4) / 1e4, ...(label === undefined ? {} : { labelled: true }) })}\n`;
	}
	await new Promise<void>((resolve) => process.stdout.write(out, () => resolve()));
	console.error(summary(run, new Set(examples.map((l) => l.id)), side, matches, events.length));
	return 0;
}

function summary(run: ReturnType<typeof runLoop>, given: Set<string>, side: string, matches: number, total: number): string {
	const at = run.calibration.points.find((p) => p.threshold === run.threshold);
	const pct = (x: number) => x.toFixed(2);
	const labelled = run.labelled.filter((l) => l.match).length;
	const asked = run.labelled.filter((l) => !given.has(l.id)).length;
	const lines = [
		`barometer deep-search: ${run.labelled.length} labels (${labelled} of them matches; ${asked} asked, ${run.labelled.length - asked} from --examples); definition read on the ${side === "both" ? "input and output" : side} side`,
		at && run.calibration.labels >= 2
			? `threshold ${pct(run.threshold)}: precision ${pct(at.precision)} (90% ${pct(at.precision_low)}-${pct(at.precision_high)}), recall ${pct(at.recall)} (90% ${pct(at.recall_low)}-${pct(at.recall_high)}), cross-validated on ${run.calibration.labels} labels`
			: `threshold ${pct(run.threshold)} (the default: too few labels to cross-validate)`,
		`${matches} of ${total} events match`,
		...run.questions.map((q) => `question: ${q.question} (events ${q.match_id} and ${q.non_match_id})`),
	];
	return lines.join("\n");
}

function usage(problem: string): number {
	console.error(`barometer deep-search: ${problem}\n${USAGE}`);
	return 2;
}

/** One object per non-blank line; a bad line is an InputError naming the file, the line and the field. */
function readJsonl<T>(file: string, schema: z.ZodType<T>, what: string): T[] {
	let text: string;
	try {
		text = readFileSync(file, "utf8");
	} catch (err) {
		throw new InputError(`${what}: cannot read ${file}: ${(err as Error).message}`);
	}
	const rows: T[] = [];
	for (const [i, line] of text.split("\n").entries()) {
		if (!line.trim()) continue;
		let json: unknown;
		try {
			json = JSON.parse(line);
		} catch (err) {
			throw new InputError(`${what} line ${i + 1}: not JSON (${(err as Error).message})`);
		}
		const parsed = schema.safeParse(json);
		if (!parsed.success)
			throw new InputError(`${what} line ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "line"}: ${x.message}`).join("; ")}`);
		rows.push(parsed.data);
	}
	return rows;
}
