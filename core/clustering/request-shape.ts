/**
 * What a request asks for, without the values it fills in: "I need a room in Vancouver from the
 * 12th to the 15th" and "... in Berlin from the 3rd to the 5th" are one intent. Names (capitalised
 * words inside a sentence), numbers, weekdays and months drop out before intents are compared;
 * GloVe gives a city as much weight as the verb, so without this every city became its own intent.
 * Lower-case text keeps its words: a name cannot be told from a word there.
 */
/** Weekdays are values even in lower case ("next friday"); months only when capitalised ("may" is a verb). */
const WEEKDAY = /^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)$/i;

/** A word that fills a slot of a request rather than saying what is asked: a name, a number, a weekday. */
export function isValueWord(word: string, sentenceStart: boolean): boolean {
	const bare = word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
	const name = !sentenceStart && /^\p{Lu}\p{Ll}/u.test(bare) && !/^I(?:'|’|$)/.test(bare);
	return name || /\p{N}/u.test(bare) || WEEKDAY.test(bare);
}

export function requestShape(text: string): string {
	const kept: string[] = [];
	let sentenceStart = true;
	for (const word of text.split(/\s+/).filter(Boolean)) {
		if (!isValueWord(word, sentenceStart)) kept.push(word);
		else if (/[.!?]$/.test(word)) kept.push(word.replace(/^.*?([.!?]+)$/, "$1"));
		sentenceStart = /[.!?]$/.test(word);
	}
	const shape = kept.join(" ").trim();
	return /[\p{L}]/u.test(shape) ? shape : text;
}
