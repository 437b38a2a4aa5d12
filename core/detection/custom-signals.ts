import { RE2JS } from "re2js";
import { z } from "zod";
import type { DetectionInput } from "./detection-input";
import type { Evidence } from "./evidence";
import { IMPLICIT_SIGNAL_NAMES } from "./signal-catalog";
import { EXPLICIT_SIGNALS } from "../ingest-schemas";

const RESERVED = new Set<string>([...IMPLICIT_SIGNAL_NAMES, ...EXPLICIT_SIGNALS]);
/** A built-in signal's name, which no custom signal or saved deep search may take. */
export const isBuiltInSignalName = (name: string) => RESERVED.has(name);

/**
 * Custom patterns run on RE2JS, the JavaScript port of RE2: matching takes time linear in the text
 * whatever the pattern, so no tenant's regex ("((a+))+$", "(a|aa)+$") can stall a worker. The price
 * is RE2's syntax: no backreferences and no lookahead, refused when the signal is created.
 */
function compileRe2(source: string, caseSensitive: boolean): RE2JS {
	return RE2JS.compile(source, caseSensitive ? 0 : RE2JS.CASE_INSENSITIVE);
}

export const customSignalInputSchema = z
	.object({
		name: z
			.string()
			.regex(/^[a-z][a-z0-9_]{1,47}$/, "must be 2-48 lowercase letters, digits or _, starting with a letter")
			.refine((n) => !RESERVED.has(n), "is a built-in signal's name"),
		description: z.string().max(500).default(""),
		polarity: z.enum(["negative", "positive"]).default("negative"),
		field: z.enum(["input", "output", "both"]),
		keywords: z.array(z.string().trim().min(1).max(100)).min(1).max(100).optional(),
		regex: z.string().min(1).max(300).optional(),
		case_sensitive: z.boolean().default(false),
	})
	.superRefine((v, ctx) => {
		if ((v.keywords === undefined) === (v.regex === undefined)) {
			ctx.addIssue({ code: "custom", path: ["keywords"], message: "give exactly one of `keywords` or `regex`" });
		}
		if (v.regex !== undefined) {
			try {
				compileRe2(v.regex, v.case_sensitive);
			} catch (err) {
				const message = (err as Error).message;
				ctx.addIssue({
					code: "custom",
					path: ["regex"],
					message: `is not a regular expression the linear-time engine (RE2 syntax: no backreferences or lookaround) accepts: ${message}`,
				});
			}
		}
	});

export type CustomSignalInput = z.output<typeof customSignalInputSchema>;

export interface CustomSignalRule {
	name: string;
	field: "input" | "output" | "both";
	kind: "keywords" | "regex";
	/** JSON array of keywords, or the regex source. */
	pattern: string;
	caseSensitive: boolean;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function compileCustomSignal(rule: CustomSignalRule): RE2JS {
	if (rule.kind === "regex") return compileRe2(rule.pattern, rule.caseSensitive);
	const words = (JSON.parse(rule.pattern) as string[]).map((k) => `\\b${escapeRegex(k)}\\b`);
	return compileRe2(words.join("|"), rule.caseSensitive);
}

/** Texts longer than this are matched on their first part only, bounding CPU per event. */
const MAX_MATCH_CHARS = 20_000;

export function matchCustomSignal(rule: CustomSignalRule, compiled: RE2JS, x: DetectionInput): Evidence | null {
	const fields = rule.field === "both" ? (["input", "output"] as const) : [rule.field];
	for (const field of fields) {
		const text = x[field]?.slice(0, MAX_MATCH_CHARS);
		if (!text) continue;
		const m = compiled.matcher(text);
		if (m.find()) return { field, start: m.start(), end: m.end(), text: m.group() ?? "" };
	}
	return null;
}
