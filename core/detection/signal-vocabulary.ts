import { tokenize } from "../embedding/tokenize";

/**
 * Words that say *which signal* a text shows, not *what it is about*. Issue clustering within
 * a signal ignores them, so refusals group by what was refused ("contacts", "flights"), not by
 * how ("sorry, I can't access").
 */
const COMMON = "sorry apologize apologies unfortunately afraid please ca n't cannot can not unable able won't wo".split(" ");

export const SIGNAL_VOCABULARY: Record<string, readonly string[]> = {
	refusal: [...COMMON, ..."access help assist provide do create write generate fulfill comply support complete share answer engage give produce offer browse open view see make read send book process find retrieve download upload run execute connect save edit delete change call search check look place order schedule cancel transfer translate allowed permitted programmed designed comfortable request policy guidelines ai language model assistant".split(" ")],
	excessive_apology: [...COMMON, ..."confusion mistake error oversight inconvenience sincerely truly deeply again".split(" ")],
	user_frustration: "wrong useless stupid again listening told said asked already still not no".split(" "),
	laziness: "rest remaining fill complete same pattern similar todo implement here etc brevity".split(" "),
	forgetting: "already told said mentioned gave provided forgot remember".split(" "),
};

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
