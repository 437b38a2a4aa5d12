import type { Embedder } from "../embedding/embedder";
import { apologyStreak, asksAgain, shortList, toolFailure, toolLoop, wrongDate } from "./context-rules";
import type { DetectionInput } from "./detection-input";
import { type Evidence, findFirst } from "./evidence";
import { LEXICAL_RULES } from "./lexical-rules";
import { type Features, type LinearModel, predict } from "./linear-model";
import { type ModelSpec, type VectorOf, modelFeatures, textsToEmbed, turnContext } from "./model-features";
import { IMPLICIT_SIGNAL_NAMES, type ImplicitSignal } from "./signal-catalog";

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
 * nsfw reads both sides and keeps the higher score.
 */
export const MODEL_SPECS = {
	refusal: { signal: "refusal", fields: ["output"], ends: true, lexical: true, request: true },
	jailbreak: { signal: "jailbreak", fields: ["input"], ngrams: true, lexical: true },
	nsfw: { signal: "nsfw", fields: ["input", "output"], ngrams: true, lexical: true },
	win: { signal: "win", fields: ["input"], lexical: true },
	// Frustration is dissatisfaction with the last answer (read with it) or anger (read alone):
	// two models, either one detects it.
	user_frustration: { signal: "user_frustration", fields: ["input"], reaction: true, lexical: true },
	user_frustration_anger: { signal: "user_frustration", fields: ["input"], lexical: true },
} as const satisfies Record<string, ModelSpec & { signal: ImplicitSignal }>;
export type ModelName = keyof typeof MODEL_SPECS;

const CONTEXT_RULES: Partial<Record<ImplicitSignal, ((x: DetectionInput) => Evidence | null)[]>> = {
	wrong_date: [wrongDate],
	tool_failure: [toolFailure],
	tool_loop: [toolLoop],
	excessive_apology: [apologyStreak],
	forgetting: [asksAgain],
	laziness: [shortList],
};

/**
 * A persona or a long instruction is not a jailbreak by itself ("act as a Linux terminal").
 * The jailbreak model's verdict stands only when the prompt also talks about the rules it wants
 * out of the way, or asks for harmful content (the nsfw model's score on it reaches
 * JAILBREAK_HARM_SCORE). Otherwise the event falls in the uncertain band, where the LLM check
 * may decide in production.
 */
const JAILBREAK_INTENT =
	/\b(?:restrict\w*|uncensor\w*|unfilter\w*|filter(?:s|ed)?|censor\w*|explicit|nsfw|rules?|polic(?:y|ies)|guidelines?|ethic\w*|moral\w*|illegal|harmful|offensive|inappropriate|immoral|amoral|limitations?|boundaries|consent|taboo|sex\w*|violen\w*|swear\w*|curse|profan\w*|refuse|decline|never (?:say|tell)|anything|whatever|forget everything|no longer|open ?ai|chat ?gpt|gpt-?4|developer[ _-]?mode|opposite|free will|sentien\w*|hack\w*|nazi\w*|kill\w*|drugs?|weapons?|deadly)\b/i;
/** "DAN" ("do anything now") in capitals; "Dan" is a name. */
const DAN = /\bDAN\b/;
const JAILBREAK_HARM_SCORE = 0.5;

/**
 * Thanks that decline or qualify ("no thanks", "thanks, but it still fails", "thanks anyway"): the
 * thank-word weighs so much in the win model that it would call these wins.
 */
const DECLINED_THANKS = /\bno,? (?:thanks?|thank you)\b|\b(?:thanks?|thank you)[,.!]? (?:but|anyway|for nothing)\b/i;

/**
 * An assistant apologising for its own error ("Sorry for the confusion, here is the fixed
 * version") weighs like a refusal in the refusal model (the apology words); without a "cannot"
 * it is a correction, and the model's verdict goes to the uncertain band.
 */
const APOLOGY_FOR_ERROR = /\b(?:sorry|apologi[sz]e|apologies)\b.{0,30}\b(?:confusion|mistake|error|oversight|misunderstanding|mix-up|inconvenience)\b/i;
const CANNOT = /\b(?:can(?:no|')t|cannot|won'?t|unable|not able|decline|refuse)\b/i;

/** Rephrasing: this user message says again what an earlier one said. */
const REPHRASE_SIMILARITY = 0.9;
const REPHRASE_MIN_WORDS = 4;

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
		return [...new Set([...Object.values(this.models).flatMap((m) => textsToEmbed(m.spec, x)), ...earlierRequests(x)])];
	}

	async detectBatch(xs: DetectionInput[]): Promise<SignalResult[][]> {
		const texts = [...new Set(xs.flatMap((x) => this.textsFor(x)))];
		const vectors = await this.embedder.embed(texts);
		const byText = new Map(texts.map((t, i) => [t, vectors[i]!]));
		const zero = new Float32Array(this.embedder.dimensions);
		const vectorOf: VectorOf = (t) => byText.get(t) ?? zero;
		return xs.map((x) => {
			const ctx = turnContext(x);
			const cache = new Map<string, Features>();
			const features = (signal: ImplicitSignal, spec: ModelSpec, text: string) => {
				const key = `${signal}:${spec.reaction ? "r" : ""}${spec.ngrams ? "n" : ""}${spec.lexical ? "l" : ""}${spec.ends ? "e" : ""}${spec.request ? "q" : ""}:${text}`;
				let f = cache.get(key);
				if (!f) cache.set(key, (f = modelFeatures(spec, text, vectorOf, spec.reaction || spec.request ? ctx : undefined, this.lexical && ((t) => this.lexical!.embedOne(t)))));
				return f;
			};
			return IMPLICIT_SIGNAL_NAMES.map((signal) => this.detectSignal(signal, x, features, vectorOf));
		});
	}

	private detectSignal(signal: ImplicitSignal, x: DetectionInput, features: FeaturesOf, vectorOf: VectorOf): SignalResult {
		for (const rule of LEXICAL_RULES) {
			if (rule.signal !== signal) continue;
			const fields = rule.field === "both" ? (["input", "output"] as const) : ([rule.field] as const);
			for (const field of fields) {
				const text = x[field] ?? undefined;
				const evidence = findFirst(rule.within ? text?.slice(0, rule.within) : text, rule.patterns, field);
				if (evidence) return { signal, score: 1, detected: true, stage: "rules", evidence };
			}
		}
		for (const rule of CONTEXT_RULES[signal] ?? []) {
			const evidence = rule(x);
			if (evidence) return { signal, score: 1, detected: true, stage: "context", evidence };
		}
		if (signal === "user_frustration") {
			const evidence = rephrased(x, vectorOf);
			if (evidence) return { signal, score: 0.9, detected: true, stage: "context", evidence };
		}
		// The signal's models each read their fields; the one furthest above (or least below) its threshold speaks.
		let model: LinearModel | undefined;
		let best = 0;
		let bestField: "input" | "output" | undefined;
		for (const candidate of this.bySignal.get(signal) ?? []) {
			for (const field of candidate.spec.fields) {
				const text = x[field];
				if (!text || !text.trim()) continue;
				const p = predict(candidate, features(signal, candidate.spec, text));
				if (!model || p - candidate.threshold > best - model.threshold) [model, best, bestField] = [candidate, p, field];
			}
		}
		if (!model) return { signal, score: 0, detected: false, stage: CONTEXT_RULES[signal] ? "context" : "rules" };
		if (best >= model.threshold && bestField && !this.verdictStands(signal, x[bestField]!, features)) {
			return { signal, score: Math.round(Math.min(best, model.uncertainFrom + (model.threshold - model.uncertainFrom) / 2) * 1000) / 1000, detected: false, stage: "embedding", uncertain: true };
		}
		const score = Math.round(best * 1000) / 1000;
		const detected = best >= model.threshold;
		const result: SignalResult = { signal, score, detected, stage: "embedding" };
		if (detected && bestField) result.evidence = { field: bestField, start: 0, end: x[bestField]!.length, text: x[bestField]!.slice(0, 200) };
		if (!detected && best >= model.uncertainFrom) result.uncertain = true;
		return result;
	}

	/** Whether the model's positive verdict on this text stands, or goes to the uncertain band. */
	private verdictStands(signal: ImplicitSignal, text: string, features: FeaturesOf): boolean {
		if (signal === "jailbreak") return this.jailbreakIntent(text, features);
		if (signal === "win") return !DECLINED_THANKS.test(text);
		if (signal === "refusal") return !APOLOGY_FOR_ERROR.test(text) || CANNOT.test(text);
		return true;
	}

	private jailbreakIntent(text: string, features: FeaturesOf): boolean {
		if (JAILBREAK_INTENT.test(text) || DAN.test(text)) return true;
		const nsfw = this.bySignal.get("nsfw")?.[0];
		return nsfw !== undefined && predict(nsfw, features("nsfw", nsfw.spec, text)) >= JAILBREAK_HARM_SCORE;
	}
}

type FeaturesOf = (signal: ImplicitSignal, spec: ModelSpec, text: string) => Features;

const words = (t: string) => t.trim().split(/\s+/).length;

/** The user's earlier messages that a new one may repeat (the last five long enough to mean something). */
function earlierRequests(x: DetectionInput): string[] {
	return (x.history ?? []).filter((t) => t.role === "user" && words(t.content) >= REPHRASE_MIN_WORDS).slice(-5).map((t) => t.content);
}

/** Rephrasing: this user message says again what one of the user's last messages said. */
function rephrased(x: DetectionInput, vectorOf: VectorOf): Evidence | null {
	const input = x.input?.trim();
	if (!input || words(input) < REPHRASE_MIN_WORDS) return null;
	const now = vectorOf(x.input!);
	for (const turn of earlierRequests(x)) {
		const then = vectorOf(turn);
		let dot = 0;
		for (let d = 0; d < now.length; d++) dot += now[d]! * then[d]!;
		if (dot >= REPHRASE_SIMILARITY) return { field: "history", start: 0, end: turn.length, text: turn.slice(0, 200) };
	}
	return null;
}
