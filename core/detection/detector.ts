import type { Embedder } from "../embedding/embedder";
import type { EventVectors } from "../vector-index/event-vectors";
import type { DetectionInput } from "./detection-input";
import { type Evidence, findFirst } from "./evidence";
import { type Features, type LinearModel, predict } from "./linear-model";
import { type ModelSpec, type VectorOf, modelFeatures, textsToEmbed, turnContext } from "./model-features";
import { IMPLICIT_SIGNAL_NAMES, type ImplicitSignal } from "./signal-catalog";
import { BUILT_IN_SIGNALS, type ModelName, type ScoreOf, type SignalModule } from "./signals";

export type Stage = "rules" | "context" | "embedding" | "llm";

export interface SignalResult {
	signal: ImplicitSignal;
	score: number;
	detected: boolean;
	stage: Stage;
	evidence?: Evidence;
	/** Set when the embedding score fell in the band where an LLM check may decide (production only). */
	uncertain?: boolean;
}

/**
 * Which text each learned model reads, and how (see model-features.ts): what `npm run train` fits.
 * A trained model carries its spec, so the detector reads each model the way it was trained.
 * Each signal's module (./signals) declares its models.
 */
export const MODEL_SPECS = Object.fromEntries(
	BUILT_IN_SIGNALS.flatMap((m) => Object.entries(m.models ?? {}).map(([name, spec]) => [name, { ...spec, signal: m.definition.name }])),
) as Record<ModelName, ModelSpec & { signal: ImplicitSignal }>;
export type { ModelName } from "./signals";

const MODULES = new Map<ImplicitSignal, SignalModule<ImplicitSignal>>(BUILT_IN_SIGNALS.map((m) => [m.definition.name, m]));

/** Trained models by name; each says which signal it detects (a signal may have several). */
export type DetectorModels = Record<string, LinearModel & { signal: ImplicitSignal }>;

/**
 * The cascade, cheapest first: precise phrases (rules), conversation and tool context,
 * then a learned model over the encoded text. Every default signal gets a result for
 * every event, so rates are over all traffic, not a sample. Texts are encoded in one batched
 * call per batch of events: the encoder is what detection costs.
 */
export class Detector {
	private readonly bySignal = new Map<ImplicitSignal, LinearModel[]>();
	constructor(
		readonly embedder: Embedder,
		private readonly models: DetectorModels,
		/** GloVe SIF, for the models whose spec reads it (lexical). */
		private readonly lexical?: Embedder & { embedOne(text: string): Float32Array },
	) {
		for (const model of Object.values(models)) this.bySignal.set(model.signal, [...(this.bySignal.get(model.signal) ?? []), model]);
		for (const [signal, model] of Object.entries(models)) {
			if (model.embedder !== embedder.model) throw new Error(`model for ${signal} was trained on ${model.embedder}, not ${embedder.model}`);
		}
	}

	async detect(x: DetectionInput): Promise<SignalResult[]> {
		return (await this.detectBatch([x]))[0]!;
	}

	/** The texts detecting `x` sends to the encoder. */
	textsFor(x: DetectionInput): string[] {
		return [
			...new Set([
				...Object.values(this.models).flatMap((m) => textsToEmbed(m.spec, x)),
				...BUILT_IN_SIGNALS.flatMap((m) => (m.vectorRules ?? []).flatMap((r) => r.texts(x))),
			]),
		];
	}

	async detectBatch(xs: DetectionInput[]): Promise<SignalResult[][]> {
		return (await this.detectBatchWithVectors(xs)).results;
	}

	/**
	 * detectBatch, also returning each event's input and output vectors (absent for a blank text):
	 * what the event vector store keeps, from the same encoder call. The models read these texts
	 * already, so asking for them adds nothing to the call unless a model reads only one side.
	 * `lookup`: asked once for the texts this batch needs, it answers the vectors it already has from
	 * the same encoder (an earlier turn's, kept when that turn was stored); only the rest are encoded,
	 * and the results are the same.
	 */
	async detectBatchWithVectors(
		xs: DetectionInput[],
		lookup?: (texts: string[]) => Promise<ReadonlyMap<string, Float32Array>>,
	): Promise<{ results: SignalResult[][]; vectors: EventVectors[] }> {
		const sides = (x: DetectionInput) => [x.input, x.output].filter((t): t is string => !!t?.trim());
		const texts = [...new Set(xs.flatMap((x) => [...this.textsFor(x), ...sides(x)]))];
		const known = lookup ? await lookup(texts) : undefined;
		const todo = known ? texts.filter((t) => !known.has(t)) : texts;
		const vectors = await this.embedder.embed(todo);
		const byText = new Map(todo.map((t, i) => [t, vectors[i]!]));
		for (const t of texts) if (!byText.has(t)) byText.set(t, known!.get(t)!);
		const zero = new Float32Array(this.embedder.dimensions);
		const vectorOf: VectorOf = (t) => byText.get(t) ?? zero;
		const sideVectors = xs.map((x) => {
			const out: EventVectors = {};
			if (x.input?.trim()) out.input = byText.get(x.input);
			if (x.output?.trim()) out.output = byText.get(x.output);
			return out;
		});
		return { results: this.resultsOf(xs, vectorOf), vectors: sideVectors };
	}

	private resultsOf(xs: DetectionInput[], vectorOf: VectorOf): SignalResult[][] {
		return xs.map((x) => {
			const ctx = turnContext(x);
			const cache = new Map<string, Features>();
			const features = (signal: ImplicitSignal, spec: ModelSpec, text: string) => {
				const key = `${signal}:${spec.reaction ? "r" : ""}${spec.ngrams ? "n" : ""}${spec.lexical ? "l" : ""}${spec.ends ? "e" : ""}${spec.request ? "q" : ""}:${text}`;
				let f = cache.get(key);
				if (!f)
					cache.set(
						key,
						(f = modelFeatures(spec, text, vectorOf, spec.reaction || spec.request ? ctx : undefined, this.lexical && ((t) => this.lexical!.embedOne(t)))),
					);
				return f;
			};
			return IMPLICIT_SIGNAL_NAMES.map((signal) => this.detectSignal(signal, x, features, vectorOf));
		});
	}

	private detectSignal(signal: ImplicitSignal, x: DetectionInput, features: FeaturesOf, vectorOf: VectorOf): SignalResult {
		const module = MODULES.get(signal)!;
		for (const rule of module.lexicalRules ?? []) {
			const fields = rule.field === "both" ? (["input", "output"] as const) : ([rule.field] as const);
			for (const field of fields) {
				const text = x[field] ?? undefined;
				const evidence = findFirst(rule.within ? text?.slice(0, rule.within) : text, rule.patterns, field);
				if (evidence) return { signal, score: 1, detected: true, stage: "rules", evidence };
			}
		}
		for (const rule of module.contextRules ?? []) {
			const evidence = rule(x);
			if (evidence) return { signal, score: 1, detected: true, stage: "context", evidence };
		}
		for (const rule of module.vectorRules ?? []) {
			const evidence = rule.find(x, vectorOf);
			if (evidence) return { signal, score: rule.score, detected: true, stage: "context", evidence };
		}
		// The signal's models each read their fields; the one furthest above (or least below) its threshold speaks.
		let model: LinearModel | undefined;
		let best = 0;
		let bestField: "input" | "output" | undefined;
		for (const candidate of this.bySignal.get(signal) ?? []) {
			for (const field of candidate.spec.fields) {
				const text = x[field];
				if (!text?.trim()) continue;
				const p = predict(candidate, features(signal, candidate.spec, text));
				if (!model || p - candidate.threshold > best - model.threshold) [model, best, bestField] = [candidate, p, field];
			}
		}
		if (!model) return { signal, score: 0, detected: false, stage: module.contextRules ? "context" : "rules" };
		if (best >= model.threshold && bestField && !this.verdictStands(module, x[bestField]!, features)) {
			return {
				signal,
				score: Math.round(Math.min(best, model.uncertainFrom + (model.threshold - model.uncertainFrom) / 2) * 1000) / 1000,
				detected: false,
				stage: "embedding",
				uncertain: true,
			};
		}
		const score = Math.round(best * 1000) / 1000;
		const detected = best >= model.threshold;
		const result: SignalResult = { signal, score, detected, stage: "embedding" };
		if (detected && bestField) result.evidence = { field: bestField, start: 0, end: x[bestField]!.length, text: x[bestField]!.slice(0, 200) };
		if (!detected && best >= model.uncertainFrom) result.uncertain = true;
		return result;
	}

	/** Whether the model's positive verdict on this text stands, or goes to the uncertain band. */
	private verdictStands(module: SignalModule, text: string, features: FeaturesOf): boolean {
		const scoreOf: ScoreOf = (signal, t) => {
			const model = this.bySignal.get(signal as ImplicitSignal)?.[0];
			return model && predict(model, features(signal as ImplicitSignal, model.spec, t));
		};
		return module.verdictStands?.(text, scoreOf) ?? true;
	}
}

type FeaturesOf = (signal: ImplicitSignal, spec: ModelSpec, text: string) => Features;
