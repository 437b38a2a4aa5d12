import { describe, expect, it } from "vitest";
import { storedAttachments, storedText, STORED_TEXT_CHARS } from "./event-bodies";
import { textHead } from "./text-head";

describe("textHead", () => {
	it("keeps a text that fits, and cuts a longer one at the count", () => {
		expect(textHead("hello", 5)).toBe("hello");
		expect(textHead("hello world", 5)).toBe("hello");
	});

	it("never ends on half of a surrogate pair", () => {
		const text = `${"a".repeat(9)}😀b`;
		// The emoji is code units 9 and 10: a cut at 10 would keep its first half alone.
		expect(textHead(text, 10)).toBe("a".repeat(9));
		expect(textHead(text, 11)).toBe(`${"a".repeat(9)}😀`);
		expect(textHead(text, 9)).toBe("a".repeat(9));
	});

	it("is how D1 cuts a long input or output and an attachment value, so what it keeps is well-formed text", () => {
		const long = `${"x".repeat(STORED_TEXT_CHARS - 1)}😀 and more`;
		const kept = storedText(long)!;
		expect(kept).toBe("x".repeat(STORED_TEXT_CHARS - 1));
		const [attachment] = storedAttachments([{ type: "text", value: `${"y".repeat(499)}😀${"z".repeat(600)}` }]);
		expect(attachment!.value).toBe("y".repeat(499));
	});
});
