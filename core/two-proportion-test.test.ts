import { describe, expect, it } from "vitest";
import { compareProportions } from "./two-proportion-test";

describe("compareProportions", () => {
	it("matches a textbook two-proportion z-test", () => {
		// 45/100 vs 30/100: pooled 0.375, z = -2.19, p = 0.0285.
		const r = compareProportions(45, 100, 30, 100);
		expect(r.z).toBeCloseTo(-2.191, 2);
		expect(r.p_value).toBeCloseTo(0.0285, 3);
		expect(r.significant).toBe(true);
		expect(r.difference_pp).toBe(-15);
	});

	it("calls small differences on small samples not significant", () => {
		const r = compareProportions(3, 40, 2, 38);
		expect(r.significant).toBe(false);
		expect(r.p_value!).toBeGreaterThan(0.5);
	});

	it("gives no test when a side has no users or nobody is affected", () => {
		expect(compareProportions(0, 0, 3, 10)).toMatchObject({ z: null, p_value: null, significant: false });
		expect(compareProportions(0, 10, 0, 10)).toMatchObject({ z: null, significant: false });
	});
});
