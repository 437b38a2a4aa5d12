import { describe, expect, it } from "vitest";
import { ari, nmi, purity } from "./clustering-metrics";

describe("clustering metrics", () => {
	it("score a perfect clustering 1 whatever the cluster names", () => {
		const gold = ["a", "a", "b", "b", "c"];
		expect(nmi([7, 7, 3, 3, 1], gold)).toBeCloseTo(1);
		expect(ari([7, 7, 3, 3, 1], gold)).toBeCloseTo(1);
		expect(purity([7, 7, 3, 3, 1], gold)).toBe(1);
	});

	it("give known values on a small textbook example", () => {
		// Manning et al., Introduction to IR, fig. 16.4: purity 0.71, NMI 0.36 (their normalisation differs: ARI checked instead).
		const pred = [..."111111222222333333"].slice(0, 17);
		const gold = [...("xxxxxo" + "xooooq" + "xxqqq")];
		expect(purity(pred, gold)).toBeCloseTo(12 / 17, 5);
		expect(ari(["a", "a", "b", "b"], ["x", "y", "x", "y"])).toBeCloseTo(-0.5, 5);
	});

	it("score everything-in-one-cluster 0 on ARI and NMI", () => {
		const gold = ["a", "b", "c", "a", "b", "c"];
		expect(ari([1, 1, 1, 1, 1, 1], gold)).toBeCloseTo(0);
		expect(nmi([1, 1, 1, 1, 1, 1], gold)).toBeCloseTo(0);
	});
});
