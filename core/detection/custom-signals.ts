import { z } from "zod";
import type { DetectionInput } from "./detection-input";
import type { Evidence } from "./evidence";
import { IMPLICIT_SIGNAL_NAMES } from "./signal-catalog";
import { EXPLICIT_SIGNALS } from "../ingest-schemas";

const RESERVED = new Set<string>([...IMPLICIT_SIGNAL_NAMES, ...EXPLICIT_SIGNALS]);

/**
 * Nested quantifiers like (a+)+ or (\w*)* backtrack exponentially; a worker has a CPU
 * budget per invocation, so such patterns are refused when the signal is created.
 */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/;

export const customSignalInputSchema = z
	.object({
		name: z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, "must be 2-48 lowercase letters, digits or _, starting with a letter").refine((n) => !RESERVED.has(n), "is a built-in signal's name"),
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
				new RegExp(v.regex);
			} catch (err) {
				ctx.addIssue({ code: "custom", path: ["regex"], message: `is not a valid regular expression: ${(err as Error).message}` });
				return;
			}
			if (NESTED_QUANTIFIER.test(v.regex)) ctx.addIssue({ code: "custom", path: ["regex"], message: "nested quantifiers such as (a+)+ are not allowed (catastrophic backtracking)" });
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

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function compileCustomSignal(rule: CustomSignalRule): RegExp {
	const flags = rule.caseSensitive ? "" : "i";
	if (rule.kind === "regex") return new RegExp(rule.pattern, flags);
	const words = (JSON.parse(rule.pattern) as string[]).map((k) => `\\b${escape(k)}\\b`);
	return new RegExp(words.join("|"), flags);
}

/** Texts longer than this are matched on their first part only, bounding CPU per event. */
const MAX_MATCH_CHARS = 20_000;

export function matchCustomSignal(rule: CustomSignalRule, compiled: RegExp, x: DetectionInput): Evidence | null {
	const fields = rule.field === "both" ? (["input", "output"] as const) : [rule.field];
	for (const field of fields) {
		const text = x[field]?.slice(0, MAX_MATCH_CHARS);
		if (!text) continue;
		const m = compiled.exec(text);
		if (m) return { field, start: m.index, end: m.index + m[0].length, text: m[0] };
	}
	return null;
}
