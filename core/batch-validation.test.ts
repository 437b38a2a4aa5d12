import { describe, expect, it } from "vitest";
import { validateBatchItems } from "./batch-validation";
import { aiEventSchema } from "./ingest-schemas";

const opts = { listName: "events", idField: "event_id", maxItemBytes: 500 };

describe("validateBatchItems", () => {
	it("keeps the valid items with their index and reports each invalid one with field paths", () => {
		const { accepted, results } = validateBatchItems(
			[{ event_id: "a", user_id: "u" }, { event_id: "b" }, "not an object", { event_id: "c", user_id: "u", tool_calls: [{ name: "" }] }],
			aiEventSchema,
			opts,
		);
		expect(accepted.map((a) => [a.index, a.value.event_id])).toEqual([[0, "a"]]);
		expect(results.map((r) => r.status)).toEqual(["accepted", "rejected", "rejected", "rejected"]);
		const errorsOf = (i: number) => (results[i]!.status === "rejected" ? (results[i] as { errors: { field: string; message: string }[] }).errors : []);
		expect(errorsOf(1)).toEqual([{ field: "events[1].user_id", message: "is required" }]);
		expect(errorsOf(2)[0]!.field).toBe("events[2]");
		expect(errorsOf(3)[0]!.field).toBe("events[3].tool_calls[0].name");
		expect(results[1]!.id).toBe("b");
	});

	it("rejects an item over the byte limit before parsing it", () => {
		const { accepted, results } = validateBatchItems([{ event_id: "big", user_id: "u", input: "x".repeat(600) }], aiEventSchema, opts);
		expect(accepted).toEqual([]);
		expect(results[0]).toMatchObject({ status: "rejected", errors: [{ field: "events[0]" }] });
	});
});

describe("aiEventSchema", () => {
	it("fills defaults and stores tool payloads as text", () => {
		const e = aiEventSchema.parse({ event_id: "e", user_id: "u", tool_calls: [{ name: "t", input: { a: 1 }, output: "plain" }] });
		expect(e.event).toBe("ai_interaction");
		expect(e.properties).toEqual({});
		expect(e.tool_calls[0]).toMatchObject({ input: '{"a":1}', output: "plain" });
	});

	it("accepts ISO and epoch-millisecond timestamps and refuses seconds and far-future ones", () => {
		expect(aiEventSchema.parse({ event_id: "e", user_id: "u", timestamp: "2026-01-01T00:00:00Z" }).timestamp).toBe(Date.UTC(2026, 0, 1));
		expect(aiEventSchema.parse({ event_id: "e", user_id: "u", timestamp: Date.UTC(2026, 0, 1) }).timestamp).toBe(Date.UTC(2026, 0, 1));
		expect(aiEventSchema.safeParse({ event_id: "e", user_id: "u", timestamp: 1_767_225_600 }).success).toBe(false);
		expect(aiEventSchema.safeParse({ event_id: "e", user_id: "u", timestamp: Date.now() + 3 * 86_400_000 }).success).toBe(false);
	});

	it("refuses nested property values", () => {
		const r = aiEventSchema.safeParse({ event_id: "e", user_id: "u", properties: { a: { b: 1 } } });
		expect(r.success).toBe(false);
	});
});
