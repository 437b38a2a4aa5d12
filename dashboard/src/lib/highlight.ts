/** Splits text into plain and highlighted parts; overlapping spans merge, the first label wins. */
export function highlightSpans(text: string, spans: { start: number; end: number; label: string }[]): { text: string; label?: string }[] {
	const sorted = spans.filter((s) => s.start < s.end && s.start < text.length).sort((a, b) => a.start - b.start);
	const parts: { text: string; label?: string }[] = [];
	let at = 0;
	for (const span of sorted) {
		const start = Math.max(span.start, at);
		const end = Math.min(span.end, text.length);
		if (end <= start) continue;
		if (start > at) parts.push({ text: text.slice(at, start) });
		parts.push({ text: text.slice(start, end), label: span.label });
		at = end;
	}
	if (at < text.length) parts.push({ text: text.slice(at) });
	return parts;
}
