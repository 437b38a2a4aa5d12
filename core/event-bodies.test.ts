import { describe, expect, it } from "vitest";
import { bodyIsLong, bodyKey, STORED_TEXT_CHARS, storedText } from "./event-bodies";
import { useLiteEmbedder } from "./embedding/use-lite-node";

const sentence = (i: number) => `Step ${i}: open the billing page, pick the invoice from March and press the resend button. `;
const long = (n: number) => Array.from({ length: n }, (_, i) => sentence(i)).join("");

describe("event bodies: what D1 keeps of a text", () => {
	it("keeps a text up to STORED_TEXT_CHARS whole, and the first STORED_TEXT_CHARS of a longer one", () => {
		const exact = "x".repeat(STORED_TEXT_CHARS);
		expect(storedText(exact)).toBe(exact);
		expect(storedText(null)).toBeNull();
		expect(storedText(undefined)).toBeNull();
		const text = long(80);
		expect(text.length).toBeGreaterThan(STORED_TEXT_CHARS);
		expect(storedText(text)).toBe(text.slice(0, STORED_TEXT_CHARS));
		expect(bodyIsLong({ input: exact, output: null })).toBe(false);
		expect(bodyIsLong({ input: "hi", output: text })).toBe(true);
	});

	it("keeps everything the sentence encoder reads: a long text and its stored part have the same vector", async () => {
		const encoder = await useLiteEmbedder();
		const text = long(80);
		const [whole, stored, shorter] = await encoder.embed([text, storedText(text)!, text.slice(0, 300)]);
		expect([...whole!]).toEqual([...stored!]);
		// The comparison can fail: cutting a text inside what the encoder reads (256 pieces at most) changes its vector.
		expect([...whole!]).not.toEqual([...shorter!]);
	});

	it("names a long event's texts by project, event and content; short events have no key", () => {
		const body = { input: "hi", output: long(40) };
		const key = bodyKey("prj 1", "evt/1", body)!;
		expect(key).toMatch(/^bodies\/prj%201\/evt%2F1\/[0-9a-f]{32}\.json$/);
		expect(bodyKey("prj 1", "evt/1", { ...body })).toBe(key);
		expect(bodyKey("prj 1", "evt/1", { ...body, output: `${body.output}!` })).not.toBe(key);
		expect(bodyKey("prj 1", "evt/2", body)).not.toBe(key);
		expect(bodyKey("prj 1", "evt/1", { input: "hi", output: "short" })).toBeNull();
	});
});
