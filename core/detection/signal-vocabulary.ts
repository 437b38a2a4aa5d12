import { tokenize } from "../embedding/tokenize";
import { BUILT_IN_SIGNALS } from "./signals";

/**
 * Words that say *which signal* a text shows, not *what it is about*. Issue clustering within
 * a signal ignores them, so refusals group by what was refused ("contacts", "flights"), not by
 * how ("sorry, I can't access"). Each signal's words are in its module (./signals).
 */
export const SIGNAL_VOCABULARY: Record<string, readonly string[]> = Object.fromEntries(
	BUILT_IN_SIGNALS.flatMap((m) => (m.vocabulary ? [[m.definition.name, m.vocabulary]] : [])),
);

export function signalVocabulary(signal: string): ReadonlySet<string> {
	return new Set(SIGNAL_VOCABULARY[signal] ?? []);
}

/** The text without the signal's own words: what an issue of that signal is about. */
export function topicText(text: string, signal: string): string {
	const ignore = signalVocabulary(signal);
	if (ignore.size === 0) return text;
	const kept = tokenize(text).filter((w) => !ignore.has(w));
	return kept.length ? kept.join(" ") : text;
}
