const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
	["year", 365 * 24 * 3600],
	["month", 30 * 24 * 3600],
	["day", 24 * 3600],
	["hour", 3600],
	["minute", 60],
	["second", 1],
];

/** "3 minutes ago"; "just now" under 5 seconds. */
export function relativeTime(iso: string | null, now: number = Date.now()): string {
	if (!iso) return "—";
	const seconds = Math.round((Date.parse(iso) - now) / 1000);
	if (Math.abs(seconds) < 5) return "just now";
	const fmt = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
	for (const [unit, size] of UNITS) {
		if (Math.abs(seconds) >= size) return fmt.format(Math.trunc(seconds / size), unit);
	}
	return "just now";
}

export function truncate(text: string | null, max: number): string {
	if (!text) return "";
	const flat = text.replace(/\s+/g, " ").trim();
	return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Built-in explicit signals by polarity; a custom signal's meaning is the user's, so it shows neutral. */
const POSITIVE = new Set(["thumbs_up", "copy", "share"]);
const NEGATIVE = new Set(["thumbs_down", "regenerate", "edit", "code_error"]);
export function signalTone(signal: string): "positive" | "negative" | "neutral" {
	return POSITIVE.has(signal) ? "positive" : NEGATIVE.has(signal) ? "negative" : "neutral";
}
