import { describe, expect, it } from "vitest";
import { compileCustomSignal, customSignalInputSchema, matchCustomSignal, type CustomSignalRule } from "./custom-signals";

const rule = (r: Partial<CustomSignalRule>): CustomSignalRule => ({ name: "x", field: "output", kind: "keywords", pattern: "[]", caseSensitive: false, ...r });

describe("custom signals", () => {
	it("match keywords as whole words, case-insensitively, with the span", () => {
		const r = rule({ kind: "keywords", pattern: JSON.stringify(["refund", "money back"]) });
		const ev = matchCustomSignal(r, compileCustomSignal(r), { output: "You can get your Money Back within 30 days." });
		expect(ev).toEqual({ field: "output", start: 17, end: 27, text: "Money Back" });
		expect(matchCustomSignal(r, compileCustomSignal(r), { output: "refunding is not possible" })).toBeNull();
		expect(matchCustomSignal(r, compileCustomSignal(r), { input: "refund please" })).toBeNull();
	});

	it("match a regex on either side when the field is both", () => {
		const r = rule({ kind: "regex", field: "both", pattern: String.raw`\bcompetitor(?:X|Y)\b`, caseSensitive: true });
		expect(matchCustomSignal(r, compileCustomSignal(r), { input: "is competitorX better?" })?.field).toBe("input");
		expect(matchCustomSignal(r, compileCustomSignal(r), { input: "is competitorx better?" })).toBeNull();
	});

	it("validate names, patterns and the one-of rule, naming the field", () => {
		const issues = (v: unknown) => customSignalInputSchema.safeParse(v).error?.issues.map((i) => i.path.join(".")) ?? [];
		expect(issues({ name: "mentions_refund", field: "input", keywords: ["refund"] })).toEqual([]);
		expect(issues({ name: "refusal", field: "input", keywords: ["x"] })).toEqual(["name"]);
		expect(issues({ name: "a_b", field: "input" })).toEqual(["keywords"]);
		expect(issues({ name: "a_b", field: "input", keywords: ["x"], regex: "x" })).toEqual(["keywords"]);
		expect(issues({ name: "a_b", field: "input", regex: "(unclosed" })).toEqual(["regex"]);
		// RE2 syntax: no backreferences, no lookahead.
		expect(issues({ name: "a_b", field: "input", regex: String.raw`(\w+) \1` })).toEqual(["regex"]);
		expect(issues({ name: "a_b", field: "input", regex: "refund(?!ed)" })).toEqual(["regex"]);
	});

	it("run patterns that backtrack exponentially elsewhere in linear time, so no tenant's regex can stall a worker", () => {
		// With JavaScript's engine, ((a+))+$ on 30 "a"s and "!" took 12 s; a hang here fails the test by its timeout.
		const evil = ["((a+))+$", "(a|a)+$", "(a|aa)+$", String.raw`(\d|\w)+$`, "^(a?){25}a{25}$"];
		for (const regex of evil) expect(customSignalInputSchema.safeParse({ name: "a_b", field: "input", regex }).success, regex).toBe(true);
		const inputs = [`${"a".repeat(30)}!`, `${"a".repeat(19_999)}!`, "a".repeat(50)];
		for (const pattern of evil) {
			const r = rule({ kind: "regex", field: "input", pattern });
			const compiled = compileCustomSignal(r);
			for (const input of inputs) matchCustomSignal(r, compiled, { input });
		}
		const r = rule({ kind: "regex", field: "input", pattern: "(a|aa)+$" });
		expect(matchCustomSignal(r, compileCustomSignal(r), { input: `${"a".repeat(30)}!` })).toBeNull();
		expect(matchCustomSignal(r, compileCustomSignal(r), { input: "say aaaa" })).toEqual({ field: "input", start: 4, end: 8, text: "aaaa" });
	}, 20_000);
});
