import { describe, expect, it } from "vitest";
import {
	bodyIsLong,
	bodyObjectKey,
	eventBody,
	bodyObjectPrefix,
	formatBodyRef,
	objectExpired,
	openBody,
	parseBodyRef,
	STORED_TEXT_CHARS,
	STORED_TOOL_CHARS,
	sealBodies,
	storedAttachments,
	storedText,
} from "./event-bodies";
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

	it("cuts long attachment values as tool payloads are, and puts the whole attachments in the body only when one was cut", () => {
		const long = "x".repeat(STORED_TOOL_CHARS + 1);
		const attachments = [
			{ type: "code", value: long },
			{ type: "url", value: "https://example.com" },
		];
		expect(storedAttachments(attachments)).toEqual([{ type: "code", value: long.slice(0, STORED_TOOL_CHARS) }, attachments[1]]);
		expect(bodyIsLong({ input: "hi", attachments })).toBe(true);
		expect(eventBody({ input: "hi", attachments })).toEqual({ input: "hi", output: null, attachments });
		const short = [attachments[1]!];
		expect(bodyIsLong({ input: "hi", attachments: short })).toBe(false);
		expect(eventBody({ input: "x".repeat(STORED_TEXT_CHARS + 1), attachments: short })).not.toHaveProperty("attachments");
	});

	it("keeps everything the sentence encoder reads: a long text and its stored part have the same vector", async () => {
		const encoder = await useLiteEmbedder();
		const text = long(80);
		const [whole, stored, shorter] = await encoder.embed([text, storedText(text)!, text.slice(0, 300)]);
		expect([...whole!]).toEqual([...stored!]);
		// The comparison can fail: cutting a text inside what the encoder reads (256 pieces at most) changes its vector.
		expect([...whole!]).not.toEqual([...shorter!]);
	});

	it("seals each event's texts with its own key: the key opens them, another key does not, and the bytes hold no plaintext", async () => {
		const bodies = [
			{ input: "first question", output: long(30) },
			{ input: null, output: `zanzibar ${long(25)}` },
		];
		const { bytes, parts } = await sealBodies(bodies);
		expect(parts.map((p) => p.offset)).toEqual([0, parts[0]!.length]);
		expect(bytes.length).toBe(parts[0]!.length + parts[1]!.length);
		const part = (i: number) => bytes.slice(parts[i]!.offset, parts[i]!.offset + parts[i]!.length);
		expect(await openBody(part(0), parts[0]!.secret)).toEqual(bodies[0]);
		expect(await openBody(part(1), parts[1]!.secret)).toEqual(bodies[1]);
		await expect(openBody(part(1), parts[0]!.secret)).rejects.toThrow();
		expect(new TextDecoder().decode(bytes)).not.toContain("zanzibar");
	});

	it("writes a ref as D1 keeps it and reads it back; names objects by project and newest day, and knows when one expired", () => {
		const object = bodyObjectKey("prj 1/x", Date.UTC(2026, 11, 5, 23, 59), "batch#1");
		expect(object).toBe("bodies/prj%201%2Fx/2026-12-05/batch%231.bin");
		expect(object.startsWith(bodyObjectPrefix("prj 1/x"))).toBe(true);
		const ref = { object, offset: 1234, length: 5678, secret: "q83vEjRWeJA=" };
		expect(parseBodyRef(formatBodyRef(ref))).toEqual(ref);
		expect(parseBodyRef("not a ref")).toBeNull();
		// Every event in it is older than the cutoff only once its newest day has wholly passed it.
		expect(objectExpired(object, Date.UTC(2026, 11, 6))).toBe(true);
		expect(objectExpired(object, Date.UTC(2026, 11, 5, 23, 59, 59))).toBe(false);
	});
});
