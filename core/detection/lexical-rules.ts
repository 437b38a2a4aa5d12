import { BUILT_IN_SIGNALS, type ImplicitSignal, type SignalLexicalRule } from "./signals";

/** A signal's stage-1 phrase rule, with the signal it detects (the rules live in each signal's module, ./signals). */
export interface LexicalRule extends SignalLexicalRule {
	signal: ImplicitSignal;
}

export const LEXICAL_RULES: LexicalRule[] = BUILT_IN_SIGNALS.flatMap((m) => (m.lexicalRules ?? []).map((rule) => ({ ...rule, signal: m.definition.name })));
