/**
 * The first `chars` UTF-16 code units of a text, or one fewer where the last would be the first half of a
 * surrogate pair (an emoji, a rare CJK character): a lone half is not text, and D1 and JSON store it as
 * U+FFFD. What D1 keeps of a long text (core/event-bodies.ts) and what the sentence encoder reads
 * (use-lite-embedder.ts) are both cut here, so they stay the same string.
 */
export function textHead(text: string, chars: number): string {
	if (text.length <= chars) return text;
	const last = text.charCodeAt(chars - 1);
	return text.slice(0, last >= 0xd800 && last <= 0xdbff ? chars - 1 : chars);
}
