import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, encodeRankCursor, parseEventFilter, parseEventSearch, propertyValueCandidates } from "./event-query";

const parse = (q: string) => parseEventFilter(new URLSearchParams(q));

describe("parseEventFilter", () => {
	it("reads every filter", () => {
		const { filter, errors } = parse(
			"from=2026-01-01T00:00:00Z&to=1767312000000&user_id=u&convo_id=c&model=m&event=chat&q=hi&property.plan=pro&property.app.version=2&limit=10",
		);
		expect(errors).toEqual([]);
		expect(filter).toEqual({
			from: Date.UTC(2026, 0, 1),
			to: 1767312000000,
			userId: "u",
			convoId: "c",
			model: "m",
			event: "chat",
			match: '"hi"',
			properties: [
				{ key: "plan", value: "pro" },
				{ key: "app.version", value: "2" },
			],
			limit: 10,
		});
	});

	it("names each invalid parameter", () => {
		const { errors } = parse("from=2026-02-01&to=2026-01-01&limit=1000&cursor=%%%");
		expect(errors.map((e) => e.field).sort()).toEqual(["cursor", "from", "limit"]);
	});

	it("defaults the page size", () => {
		expect(parse("").filter.limit).toBe(50);
	});
});

describe("cursors", () => {
	it("round-trip, including ids with any characters", () => {
		const cursor = { timestamp: 1767225600123, eventId: "évt/1?&=" };
		expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
	});

	it("decode to undefined when tampered with", () => {
		expect(decodeCursor("bm90IGpzb24")).toBeUndefined();
		expect(decodeCursor(encodeCursor({ timestamp: 1, eventId: "a" }).slice(2))).toBeUndefined();
	});
});

describe("propertyValueCandidates", () => {
	it("matches booleans as SQLite stores them and numbers as numbers", () => {
		expect(propertyValueCandidates("true")).toEqual(["true", 1]);
		expect(propertyValueCandidates("2.5")).toEqual(["2.5", 2.5]);
		expect(propertyValueCandidates("pro")).toEqual(["pro"]);
	});
});

describe("q as full-text search", () => {
	it("becomes the filter's FTS5 MATCH expression", () => {
		expect(parse(`q=${encodeURIComponent('"can not" refund* -paypal')}`).filter.match).toBe(`("can not" AND "refund"*) NOT ("paypal")`);
	});

	it("with nothing to find, or too long, is an error naming q", () => {
		for (const q of ["OR", "*", "-x", "a".repeat(501)]) expect(parse(`q=${encodeURIComponent(q)}`).errors.map((e) => e.field)).toEqual(["q"]);
	});
});

describe("parseEventSearch", () => {
	const search = (q: string) => parseEventSearch(new URLSearchParams(q));

	it("searches by meaning by default, with q as typed", () => {
		expect(search("q=%25%25&model=m").search).toMatchObject({ mode: "meaning", query: "%%", filter: { model: "m" } });
	});

	it("as text, q is a MATCH expression and the cursor an offset into the ranking", () => {
		const first = search("mode=text&q=refund");
		expect(first.search).toMatchObject({ mode: "text", offset: 0, filter: { match: `"refund"` } });
		expect(search(`mode=text&q=refund&cursor=${encodeRankCursor(50)}`).search).toMatchObject({ offset: 50 });
	});

	it("by meaning and hybrid, the cursor is an offset into the ranking too; a list cursor there is ignored as before", () => {
		expect(search(`q=refund&cursor=${encodeRankCursor(20)}`).search).toMatchObject({ mode: "meaning", offset: 20 });
		expect(search(`mode=hybrid&q=refund&cursor=${encodeRankCursor(40)}`).search).toMatchObject({ mode: "hybrid", offset: 40 });
		const listCursor = search(`q=refund&cursor=${encodeCursor({ timestamp: 1, eventId: "e" })}`);
		expect(listCursor.errors).toEqual([]);
		expect(listCursor.search).toMatchObject({ offset: 0 });
		expect(search("q=refund&cursor=nonsense").errors.map((e) => e.field)).toEqual(["cursor"]);
	});

	it("hybrid keeps q as typed and its MATCH expression, or only the query when q holds no words", () => {
		expect(search("mode=hybrid&q=refund").search).toMatchObject({ mode: "hybrid", query: "refund", filter: { match: `"refund"` } });
		const noWords = search("mode=hybrid&q=%25%25").search;
		expect(noWords).toMatchObject({ mode: "hybrid", query: "%%" });
		expect(noWords?.filter.match).toBeUndefined();
	});

	it("names mode, q and cursor when they are not valid", () => {
		expect(search("mode=foo&q=x").errors.map((e) => e.field)).toEqual(["mode"]);
		expect(search("mode=hybrid").errors.map((e) => e.field)).toEqual(["q"]);
		expect(search(`mode=meaning&q=${"a".repeat(501)}`).errors.map((e) => e.field)).toEqual(["q"]);
		expect(search("mode=text&q=NOT").errors.map((e) => e.field)).toEqual(["q"]);
		expect(search("mode=text").errors.map((e) => e.field)).toEqual(["q"]);
		expect(search(`mode=text&q=x&cursor=${encodeCursor({ timestamp: 1, eventId: "e" })}`).errors.map((e) => e.field)).toEqual(["cursor"]);
	});
});
