import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parseEventFilter, propertyValueCandidates } from "./event-query";

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
			text: "hi",
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
