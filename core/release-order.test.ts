import { describe, expect, it } from "vitest";
import { compareReleases } from "./release-order";

describe("release order", () => {
	it("compares digit runs as numbers and the rest as text", () => {
		expect(compareReleases("2026.11.10", "2026.11.3")).toBe(1);
		expect(compareReleases("v9", "v12")).toBe(-1);
		expect(compareReleases("1.4.0-rc2", "1.4.0-rc1")).toBe(1);
		expect(compareReleases("1.4", "1.4.0")).toBe(-1);
		expect(compareReleases(" V2 ", "v2")).toBe(0);
	});
});
