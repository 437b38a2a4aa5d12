import type { DetectionInput } from "../detection-input";
import type { Evidence } from "../evidence";
import type { ModelSpec, VectorOf } from "../model-features";

export type Polarity = "negative" | "positive";

/** What the catalog says about a signal: the dashboard, the LLM judge and alerts read it. */
export interface SignalDefinition {
	name: string;
	description: string;
	polarity: Polarity;
}

/**
 * Stage 1: phrases precise enough to decide alone. Each rule says which text it reads.
 * Recall comes from the embedding stage; these must rarely fire on innocent text.
 */
export interface SignalLexicalRule {
	field: "input" | "output" | "both";
	patterns: readonly RegExp[];
	/** Only the first N characters are read (a refusal is stated up front, not deep in an answer; a request states what it asks for early). */
	within?: number;
}

/** Stage 2: a signal that needs more than one text (the conversation, tool calls, the event's time). */
export type ContextRule = (x: DetectionInput) => Evidence | null;

/** A context rule that compares sentence vectors (rephrasing); `texts` are encoded beside the models' texts. */
export interface VectorRule {
	score: number;
	texts: (x: DetectionInput) => string[];
	find: (x: DetectionInput, vectorOf: VectorOf) => Evidence | null;
}

/** A learned model's score for a text, by signal (undefined when the signal has no model). */
export type ScoreOf = (signal: string, text: string) => number | undefined;

interface SignalParts<Name extends string> {
	definition: SignalDefinition & { name: Name };
	lexicalRules?: readonly SignalLexicalRule[];
	contextRules?: readonly ContextRule[];
	vectorRules?: readonly VectorRule[];
	/** Learned models by name (what `npm run train` fits and models.generated.ts holds, keyed the same). */
	models?: Readonly<Record<string, ModelSpec>>;
	/** Whether a model's positive verdict on this text stands, or goes to the uncertain band (the LLM check). */
	verdictStands?: (text: string, scoreOf: ScoreOf) => boolean;
	/** Words that say which signal a text shows, not what it is about (see signal-vocabulary.ts). */
	vocabulary?: readonly string[];
}

/** Everything about one built-in signal. It must detect somehow: rules, context, or a model. */
export type SignalModule<Name extends string = string> = SignalParts<Name> &
	({ lexicalRules: readonly SignalLexicalRule[] } | { contextRules: readonly ContextRule[] } | { models: Readonly<Record<string, ModelSpec>> });
