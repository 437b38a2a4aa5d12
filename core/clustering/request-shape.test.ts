import { describe, expect, it } from "vitest";
import { useLiteEmbedder } from "../embedding/use-lite-node";
import { cosine } from "../embedding/embedder";
import { requestShape } from "./request-shape";

describe("requestShape", () => {
	it("drops the values a request fills in: names inside a sentence, numbers, weekdays", () => {
		expect(requestShape("I need a room in Cape Town from the 12th to the 15th")).toBe("I need a room in from the to the");
		expect(requestShape("find me a flight next friday")).toBe("find me a flight next");
		// Sentence-initial capitals, "I" and all-caps words stay: they are not names.
		expect(requestShape("Export my contacts to a CSV file. I need it today.")).toBe("Export my contacts to a CSV file. I need it today.");
		// A request made only of values stays as it is.
		expect(requestShape("2026?")).toBe("2026?");
	});

	it("makes the same request about two cities read as one", async () => {
		const e = await useLiteEmbedder();
		const [a, b] = ["I need a room in Vancouver from the 12th to the 15th", "I need a room in Berlin from the 3rd to the 5th"];
		const [va, vb, sa, sb] = await e.embed([a, b, requestShape(a), requestShape(b)]);
		expect(cosine(va!, vb!)).toBeLessThan(0.95);
		expect(cosine(sa!, sb!)).toBeGreaterThan(0.99);
	});
});
