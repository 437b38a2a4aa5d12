import type { SifEmbedder } from "../embedding/sif-embedder";
import { apologyStreak, asksAgain, shortList, toolFailure, toolLoop, wrongDate } from "./context-rules";
import { cueFeatures } from "./cue-features";
import type { DetectionInput } from "./detection-input";
import { type Evidence, findFirst } from "./evidence";
import { LEXICAL_RULES } from "./lexical-rules";
import { hashedNgrams } from "./hashed-ngrams";
import { type Features, type LinearModel, predict } from "./linear-model";
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

/** Which text each learned model reads. nsfw reads both sides and keeps the higher score. */
const MODEL_FIELDS: Partial<Record<ImplicitSignal, ("input" | "output")[]>> = {
	refusal: ["output"],
	jailbreak: ["input"],
	nsfw: ["input", "output"],
	win: ["input"],
	user_frustration: ["input"],
};

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

export type DetectorModels = Partial<Record<ImplicitSignal, LinearModel>>;

/** What the learned models read: the embedded text, cue features, and hashed word n-grams. */
export function textFeatures(embedder: SifEmbedder, text: string): Features {
	return { dense: Float32Array.from([...embedder.embedOne(text), ...cueFeatures(text)]), sparse: hashedNgrams(text) };
}

/**
 * The cascade, cheapest first: precise phrases (rules), conversation and tool context,
 * then a learned model over the embedded text. Every default signal gets a result for
 * every event, so rates are over all traffic, not a sample.
 */
export class Detector {
	constructor(
		private readonly embedder: SifEmbedder,
		private readonly models: DetectorModels,
	) {
		for (const [signal, model] of Object.entries(models)) {
			if (model.embedder !== embedder.model) throw new Error(`model for ${signal} was trained on ${model.embedder}, not ${embedder.model}`);
		}
	}

	detect(x: DetectionInput): SignalResult[] {
		const cache = new Map<string, Features>();
		const features = (text: string) => {
			let f = cache.get(text);
			if (!f) {
				f = textFeatures(this.embedder, text);
				cache.set(text, f);
			}
			return f;
		};
		return IMPLICIT_SIGNAL_NAMES.map((signal) => this.detectSignal(signal, x, features));
	}

	private detectSignal(signal: ImplicitSignal, x: DetectionInput, features: (text: string) => Features): SignalResult {
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
			const evidence = this.rephrased(x);
			if (evidence) return { signal, score: 0.9, detected: true, stage: "context", evidence };
		}
		const model = this.models[signal];
		const fields = MODEL_FIELDS[signal];
		if (!model || !fields) return { signal, score: 0, detected: false, stage: CONTEXT_RULES[signal] ? "context" : "rules" };
		let best = 0;
		let bestField: "input" | "output" | undefined;
		for (const field of fields) {
			const text = x[field];
			if (!text || !text.trim()) continue;
			const p = predict(model, features(text));
			if (p > best) [best, bestField] = [p, field];
		}
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
	private verdictStands(signal: ImplicitSignal, text: string, features: (text: string) => Features): boolean {
		if (signal === "jailbreak") return this.jailbreakIntent(text, features);
		if (signal === "win") return !DECLINED_THANKS.test(text);
		if (signal === "refusal") return !APOLOGY_FOR_ERROR.test(text) || CANNOT.test(text);
		return true;
	}

	private jailbreakIntent(text: string, features: (text: string) => Features): boolean {
		if (JAILBREAK_INTENT.test(text) || DAN.test(text)) return true;
		const nsfw = this.models.nsfw;
		return nsfw !== undefined && predict(nsfw, features(text)) >= JAILBREAK_HARM_SCORE;
	}

	private rephrased(x: DetectionInput): Evidence | null {
		const input = x.input?.trim();
		if (!input || input.split(/\s+/).length < REPHRASE_MIN_WORDS) return null;
		const earlier = (x.history ?? []).filter((t) => t.role === "user" && t.content.trim().split(/\s+/).length >= REPHRASE_MIN_WORDS);
		if (earlier.length === 0) return null;
		const now = this.embedder.embedOne(input);
		for (const turn of earlier.slice(-5)) {
			const then = this.embedder.embedOne(turn.content);
			let dot = 0;
			for (let d = 0; d < now.length; d++) dot += now[d]! * then[d]!;
			if (dot >= REPHRASE_SIMILARITY) {
				return { field: "history", start: 0, end: turn.content.length, text: turn.content.slice(0, 200) };
			}
		}
		return null;
	}
}
