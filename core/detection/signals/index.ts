import { excessiveApology } from "./excessive-apology";
import { forgetting } from "./forgetting";
import { jailbreak } from "./jailbreak";
import { laziness } from "./laziness";
import { nsfw } from "./nsfw";
import { refusal } from "./refusal";
import type { SignalModule } from "./signal-module";
import { toolFailure } from "./tool-failure";
import { toolLoop } from "./tool-loop";
import { userFrustration } from "./user-frustration";
import { win } from "./win";
import { wrongDateSignal } from "./wrong-date";

/**
 * The built-in signals, in the order the detector reports them. A new signal is one module in
 * this folder and one line here: the catalog, the detector's rules and models, the vocabulary
 * and the training specs all read this list.
 */
export const SIGNAL_MODULES = [
	userFrustration,
	refusal,
	laziness,
	forgetting,
	wrongDateSignal,
	excessiveApology,
	nsfw,
	jailbreak,
	toolFailure,
	toolLoop,
	win,
] as const satisfies readonly SignalModule[];

type Module = (typeof SIGNAL_MODULES)[number];
export type ImplicitSignal = Module["definition"]["name"];
/** The learned models' names across all signals (models.generated.ts is keyed by them). */
export type ModelName = Module extends infer M ? (M extends { models: infer R } ? keyof R & string : never) : never;

/** The same list, each module read through the common shape (every part optional but one). */
export const BUILT_IN_SIGNALS: readonly SignalModule<ImplicitSignal>[] = SIGNAL_MODULES;

export type { ContextRule, Polarity, ScoreOf, SignalDefinition, SignalLexicalRule, SignalModule, VectorRule } from "./signal-module";
