/** Where in the event a detection came from: a character range of input, output or an earlier turn. */
export interface Evidence {
	field: "input" | "output" | "history" | "tool_calls" | "timestamp";
	start: number;
	end: number;
	text: string;
}

export function findFirst(text: string | null | undefined, patterns: readonly RegExp[], field: Evidence["field"]): Evidence | null {
	if (!text) return null;
	for (const pattern of patterns) {
		const m = pattern.exec(text);
		if (m) return { field, start: m.index, end: m.index + m[0].length, text: m[0] };
	}
	return null;
}

export function countMatches(text: string | null | undefined, pattern: RegExp): number {
	if (!text) return 0;
	const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
	return text.match(global)?.length ?? 0;
}
