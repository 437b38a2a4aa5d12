import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey, keyDisplayPrefix } from "./api-keys";
import { newId } from "./ids";

describe("api keys", () => {
	it("are prefixed by kind, random, and long", () => {
		const a = generateApiKey("write");
		const b = generateApiKey("write");
		expect(a).toMatch(/^bm_write_[0-9A-Za-z]{32}$/);
		expect(generateApiKey("read")).toMatch(/^bm_read_[0-9A-Za-z]{32}$/);
		expect(a).not.toBe(b);
	});

	it("hash to the SHA-256 hex digest that the start script also computes", async () => {
		const key = "bm_read_example";
		expect(await hashApiKey(key)).toBe(createHash("sha256").update(key).digest("hex"));
	});

	it("show only a short prefix", () => {
		expect(keyDisplayPrefix("bm_write_abcdefgh123")).toBe("bm_write_abcd");
		expect(keyDisplayPrefix("bm_read_abcdefgh123")).toBe("bm_read_abcd");
	});
});

describe("newId", () => {
	it("prefixes ids and draws characters from the whole alphabet", () => {
		const ids = Array.from({ length: 200 }, () => newId("sig"));
		expect(new Set(ids).size).toBe(200);
		expect(ids.every((id) => /^sig_[0-9A-Za-z]{20}$/.test(id))).toBe(true);
		const chars = new Set(ids.join("").replace(/sig_/g, ""));
		expect(chars.size).toBeGreaterThan(55);
	});
});
