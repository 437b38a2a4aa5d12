import { describe, expect, it } from "vitest";
import { textSearchQuery } from "./text-search-query";

const match = (q: string) => {
	const r = textSearchQuery(q);
	if ("problem" in r) throw new Error(`${q}: ${r.problem}`);
	return r.match;
};
const problem = (q: string) => {
	const r = textSearchQuery(q);
	return "problem" in r ? r.problem : undefined;
};

describe("textSearchQuery: a person's search text as a safe FTS5 MATCH expression", () => {
	it("ANDs plain words, each quoted as a literal string", () => {
		expect(match("refund card")).toBe(`"refund" AND "card"`);
	});

	it("keeps a quoted phrase as one FTS5 phrase", () => {
		expect(match(`"cannot access" calendar`)).toBe(`"cannot access" AND "calendar"`);
	});

	it("turns word* into a prefix query, and a phrase's trailing * too", () => {
		expect(match("refund*")).toBe(`"refund"*`);
		expect(match(`"credit ca"*`)).toBe(`"credit ca"*`);
	});

	it("excludes -word and NOT word after the wanted terms", () => {
		expect(match("refund -paypal")).toBe(`("refund") NOT ("paypal")`);
		expect(match("refund NOT paypal NOT stripe")).toBe(`("refund") NOT ("paypal" OR "stripe")`);
		expect(match(`refund -"bank transfer"`)).toBe(`("refund") NOT ("bank transfer")`);
	});

	it("joins OR alternatives tighter than the implicit AND", () => {
		expect(match("refund card OR paypal")).toBe(`"refund" AND ("card" OR "paypal")`);
		expect(match("a OR b OR c")).toBe(`("a" OR "b" OR "c")`);
	});

	it("treats lowercase or/and/not as words, as FTS5 does", () => {
		expect(match("to be or not")).toBe(`"to" AND "be" AND "or" AND "not"`);
	});

	it("quotes everything FTS5 would read as syntax: column filters, NEAR, ^, +, parentheses, stray quotes", () => {
		expect(match("input:secret")).toBe(`"input:secret"`);
		expect(match("NEAR(a b)")).toBe(`"NEAR(a" AND "b)"`);
		expect(match("^start +plus (paren)")).toBe(`"^start" AND "+plus" AND "(paren)"`);
		expect(match(`say "hello`)).toBe(`"say" AND "hello"`);
		expect(match(`it"s`)).toBe(`"it""s"`);
		expect(match("a*b")).toBe(`"a*b"`);
	});

	it("ignores operators with nothing to join: a leading or trailing OR, NOT at the end, a doubled OR", () => {
		expect(match("OR refund OR")).toBe(`"refund"`);
		expect(match("refund OR OR card")).toBe(`("refund" OR "card")`);
		expect(match("refund NOT")).toBe(`"refund"`);
		expect(match("refund OR -card")).toBe(`("refund") NOT ("card")`);
	});

	it("drops terms with no letter or digit, which hold no token", () => {
		expect(match("100% sure")).toBe(`"100%" AND "sure"`);
		expect(match("refund -- %")).toBe(`"refund"`);
	});

	it("folds nothing itself: case and accents are the tokenizer's (unicode61 remove_diacritics 2)", () => {
		expect(match("Café")).toBe(`"Café"`);
	});

	it("finds a problem in a query with nothing to find", () => {
		for (const q of ["", "   ", "OR", "AND NOT", "*", "-", `""`, `"`, "%_%", "( )"]) expect(problem(q), q).toMatch(/needs at least one word/);
		expect(problem("-paypal NOT stripe")).toMatch(/besides the excluded/);
	});

	it("handles 10,000 characters of anything in linear time", () => {
		const hostile = `"(*NEAR: -OR ^`.repeat(800);
		const started = performance.now();
		const r = textSearchQuery(hostile);
		expect(performance.now() - started).toBeLessThan(200);
		expect("match" in r || "problem" in r).toBe(true);
	});
});
