import { capitalise, normalise, quote, singular } from "../naming-support";
import type { SignalNamer } from "./namer";

// tool_failure / tool_loop: "search_flights: 504 Gateway Timeout…", "search_flights called 3× with 3 errors"

/** What a tool's verb is as a noun, for "flight search", "hotel booking". */
const TOOL_VERBS: Record<string, string> = {
	search: "search",
	find: "search",
	lookup: "lookup",
	look: "lookup",
	get: "lookup",
	fetch: "lookup",
	query: "query",
	list: "listing",
	book: "booking",
	reserve: "reservation",
	create: "creation",
	update: "update",
	delete: "deletion",
	remove: "removal",
	send: "sending",
	check: "check",
	convert: "conversion",
	translate: "translation",
	schedule: "scheduling",
	cancel: "cancellation",
	calculate: "calculation",
	run: "run",
	execute: "execution",
	upload: "upload",
	download: "download",
	generate: "generation",
	pay: "payment",
	refund: "refund",
	track: "tracking",
	verify: "verification",
	validate: "validation",
	parse: "parsing",
	read: "reading",
	write: "writing",
	save: "saving",
	post: "posting",
	notify: "notification",
	summarize: "summary",
	summarise: "summary",
	scrape: "scraping",
	browse: "browsing",
	transcribe: "transcription",
};
const ACRONYMS = new Set(["api", "url", "sql", "http", "db", "pdf", "csv", "sms", "crm", "id", "ai", "llm", "gpt", "json", "xml", "ocr"]);

/** "search_flights" → "Flight search", "getWeather" → "Weather lookup", "calendar.create_event" → "Calendar event creation". */
export function toolLabel(name: string): string {
	const words = name
		.replace(/([a-z0-9])([A-Z])/g, "$1 $2")
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((w) => w.toLowerCase());
	if (!words.length) return "A tool";
	const at = words.findIndex((w) => TOOL_VERBS[w]);
	let label: string[];
	if (at >= 0 && at < words.length - 1) {
		label = [...words.slice(0, at), ...words.slice(at + 1).map(singular), TOOL_VERBS[words[at]!]!];
	} else label = words;
	return capitalise(label.map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w)).join(" "));
}

export const TOOL_ERRORS: [RegExp, (m: RegExpExecArray) => string, string][] = [
	[/time[sd]?[ -]?out|timeout|timed out|\b504\b|deadline exceeded|etimedout|did not (?:answer|respond)|no response/i, () => "times out", "timeout"],
	[/\b429\b|rate[ -]?limit|too many requests|quota/i, () => "hits rate limits", "ratelimit"],
	[
		/\b40[13]\b|unauthori[sz]ed|forbidden|permission denied|access denied|invalid (?:api )?(?:key|token)|expired token|authenticat/i,
		() => "is refused access",
		"auth",
	],
	[/\b404\b|not found|no such|does not exist|doesn't exist/i, () => "finds nothing", "notfound"],
	[
		/econnrefused|econnreset|enotfound|connection (?:refused|reset|closed|error)|network|socket hang up|unreachable|\bdns\b/i,
		() => "cannot connect",
		"connect",
	],
	[/\b(5\d\d)\b/, (m) => `returns ${m[1]} errors`, "5xx"],
	[/internal server error|service unavailable|bad gateway|server error|unavailable|overloaded/i, () => "returns server errors", "5xx"],
	[
		/\b4(?:00|22)\b|invalid|validation|missing (?:required )?(?:param|field|argument)|bad request|schema|required (?:param|field|argument)|must be/i,
		() => "rejects its arguments",
		"args",
	],
	[/json|unexpected token|parse error|could not parse|syntax error/i, () => "returns unreadable output", "parse"],
	[/cancel+ed|abort/i, () => "is cancelled", "cancel"],
];

export function toolParts(text: string): { tool: string; error: string } | null {
	const m = /^\s*([\w.:/-]{2,80}?):\s+([\s\S]+)$/.exec(normalise(text));
	return m ? { tool: m[1]!, error: m[2]! } : null;
}

export const toolFailure: SignalNamer = {
	noun: ["failed call", "failed calls"],
	candidates(text) {
		const parts = toolParts(text);
		const error = parts?.error ?? normalise(text);
		const label = parts ? `${toolLabel(parts.tool)} tool` : "A tool";
		for (const [re, says, kind] of TOOL_ERRORS) {
			const m = re.exec(error);
			if (m) return [{ key: `${parts?.tool ?? ""}:${kind}:${says(m)}`, title: `${label} ${says(m)}`, words: [], detail: { tool: parts?.tool ?? "", error } }];
		}
		return [{ key: `${parts?.tool ?? ""}:fails`, title: `${label} fails`, words: [], weight: 0.8, detail: { tool: parts?.tool ?? "", error } }];
	},
	describe: (c) => `${c.detail?.tool ? `The ${c.detail.tool} tool` : "A tool call"} fails with ${quote(c.detail?.error ?? "", 100)}`,
	fallback: (texts) => ({ title: "A tool call fails", description: `A tool call fails, e.g. ${quote(texts[0] ?? "")}` }),
};

export const toolLoop: SignalNamer = {
	noun: ["event", "events"],
	candidates(text) {
		const m = /^\s*(\S+?) called (\d+)\s*(?:×|x|times)\s*(?:with (\d+) errors?)?/i.exec(normalise(text));
		if (!m) {
			const parts = toolParts(text);
			return parts
				? [
						{
							key: `loop:${parts.tool}`,
							title: `Keeps retrying the failing ${toolLabel(parts.tool).toLowerCase()} tool`,
							words: [],
							detail: { tool: parts.tool },
						},
					]
				: [];
		}
		return [
			{ key: `loop:${m[1]}`, title: `Keeps retrying the failing ${lowerLabel(m[1]!)}`, words: [], detail: { tool: m[1]!, calls: m[2]!, errors: m[3] ?? "" } },
		];
	},
	describe(c, { texts }) {
		const most = Math.max(0, ...texts.map((t) => Number(/called (\d+)/.exec(t)?.[1] ?? 0)));
		return `The assistant calls ${c.detail?.tool ?? "a tool"} again and again while it keeps failing${most ? ` (up to ${most} calls in one conversation)` : ""}`;
	},
	fallback: (texts) => ({
		title: "Keeps retrying a failing tool",
		description: `The assistant calls a failing tool again and again, e.g. ${quote(texts[0] ?? "")}`,
	}),
};

/** "search_flights" → "flight search" (lower case unless an acronym). */
function lowerLabel(tool: string): string {
	const label = toolLabel(tool);
	return /^[A-Z]{2,}\b/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}
