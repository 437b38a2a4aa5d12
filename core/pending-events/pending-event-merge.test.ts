import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PartialEvent } from "../ingest-schemas";
import { type EventPart, mergedEvent, mergePart, type PendingEventState } from "./pending-event-merge";

const part = (at: number, event: Partial<PartialEvent>, final = false): EventPart => ({
	at,
	final,
	event: { event_id: "e1", properties: {}, attachments: [], ...event },
});

const mergeAll = (parts: EventPart[]) => parts.reduce<PendingEventState | undefined>((s, p) => mergePart(s, p), undefined)!;

describe("merging the parts of an event", () => {
	it("merges properties key-wise, appends attachments once, keeps the earliest timestamp, and lets the later value win", () => {
		const doc = { type: "text" as const, value: "itinerary", role: "output" as const };
		const merged = mergeAll([
			part(1, { user_id: "u1", input: "Book", properties: { step: 1, plan: "pro" }, attachments: [doc], timestamp: 1_800_000_000_100 }),
			part(2, { output: "draft", properties: { step: 2 }, attachments: [doc], timestamp: 1_800_000_000_000 }),
			part(3, { output: "I booked it", properties: { trace_id: "t" } }, true),
		]);
		const result = mergedEvent(merged);
		expect(result).toEqual({
			event: expect.objectContaining({
				user_id: "u1",
				input: "Book",
				output: "I booked it",
				properties: { step: 2, plan: "pro", trace_id: "t" },
				attachments: [doc],
				timestamp: 1_800_000_000_000,
				event: "ai_interaction",
			}),
		});
		expect(merged.final).toBe(true);
	});

	it("gives the same event whatever order the parts are merged in", () => {
		const arbPart = fc.record({
			at: fc.integer({ min: 1, max: 5 }),
			final: fc.boolean(),
			output: fc.option(fc.constantFrom("a", "b", "c"), { nil: undefined }),
			key: fc.constantFrom("k1", "k2"),
			value: fc.integer({ min: 0, max: 3 }),
			attachment: fc.option(fc.constantFrom("x", "y"), { nil: undefined }),
		});
		fc.assert(
			fc.property(fc.array(arbPart, { minLength: 1, maxLength: 6 }), (specs) => {
				const parts = specs.map((s) =>
					part(
						s.at,
						{
							user_id: "u1",
							...(s.output ? { output: s.output } : {}),
							properties: { [s.key]: s.value },
							attachments: s.attachment ? [{ type: "text", value: s.attachment }] : [],
						},
						s.final,
					),
				);
				expect(mergeAll([...parts].reverse())).toEqual(mergeAll(parts));
			}),
		);
	});

	it("cannot store an event that never got a user_id, and says so", () => {
		expect(mergedEvent(mergeAll([part(1, { input: "hi" }, true)]))).toEqual({ problem: expect.stringContaining("user_id: is required") });
	});

	it("checks the merged event against an event's limits (more attachments than an event holds)", () => {
		const many = Array.from({ length: 11 }, (_, i) => part(i, { user_id: "u1", attachments: [{ type: "text", value: `a${i}` }] }));
		expect(mergedEvent(mergeAll(many))).toEqual({ problem: expect.stringContaining("attachments") });
	});
});
