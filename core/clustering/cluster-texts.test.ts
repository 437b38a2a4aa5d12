import { describe, expect, it } from "vitest";
import { useLiteEmbedder } from "../embedding/use-lite-node";
import { averageLinkage } from "./agglomerative";
import { clusterTexts, OUTLIER } from "./cluster-texts";
import { purity } from "./clustering-metrics";
import { OFF_TOPIC, SUPPORT_REQUESTS } from "./support-requests.fixture";

describe("averageLinkage", () => {
	it("merges items while their average similarity reaches the threshold, and no further", async () => {
		// Items 0-2 are close to each other, 3-4 to each other, the groups far apart.
		const n = 5;
		const pairs: Record<string, number> = { "0,1": 0.9, "0,2": 0.8, "1,2": 0.85, "3,4": 0.7 };
		const S = new Float32Array(n * n);
		for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = i === j ? 1 : (pairs[`${Math.min(i, j)},${Math.max(i, j)}`] ?? 0.1);
		const roots = averageLinkage(S, n, 0.5);
		expect(new Set(roots.slice(0, 3)).size).toBe(1);
		expect(new Set(roots.slice(3)).size).toBe(1);
		expect(roots[0]).not.toBe(roots[3]);
		expect(new Set(averageLinkage(S, n, 0.95)).size).toBe(5);
		expect(new Set(averageLinkage(S, n, 0.05)).size).toBe(1);
	});
});

const embedder = await useLiteEmbedder();

const REQUESTS = {
	refund: SUPPORT_REQUESTS.refund.slice(0, 6),
	password: SUPPORT_REQUESTS.password.slice(0, 6),
	shipping: SUPPORT_REQUESTS.shipping.slice(0, 6),
};

describe("clusterTexts", () => {
	it("groups paraphrases mostly together without being told how many groups, and names them by their words", async () => {
		const texts = Object.values(REQUESTS).flat();
		const gold = Object.keys(REQUESTS).flatMap((k) => Array(6).fill(k));
		const { assignments, clusters } = await clusterTexts(embedder, texts);
		// Small inputs fragment where paraphrases share few words (package / delivery / shipment);
		// the stricter threshold chosen for the sentence encoder (0.55) splits a group of 6 into pairs more often.
		expect(clusters.length).toBeGreaterThanOrEqual(3);
		expect(clusters.length).toBeLessThanOrEqual(6);
		expect(purity(assignments, gold)).toBeGreaterThanOrEqual(0.8);
		expect(new Set(assignments.slice(6, 12)).size).toBe(1);
		const titles = clusters.map((c) => c.title).join(" | ");
		expect(titles).toMatch(/refund/);
		expect(titles).toMatch(/password/);
		for (const c of clusters) expect(assignments[c.central]).toBe(c.id);
	});

	it("leaves a text like no other out as an outlier instead of forcing it into a cluster", async () => {
		const texts = [...Object.values(SUPPORT_REQUESTS).flat(), ...OFF_TOPIC];
		const { assignments, clusters } = await clusterTexts(embedder, texts);
		expect(assignments.slice(48)).toEqual([OUTLIER, OUTLIER, OUTLIER]);
		expect(assignments.slice(0, 48).filter((a) => a === OUTLIER).length).toBeLessThanOrEqual(4);
		expect(clusters.reduce((sum, c) => sum + c.size, 0)).toBe(assignments.filter((a) => a !== OUTLIER).length);
		expect((await clusterTexts(embedder, texts, { outliers: false })).assignments.every((a) => a >= 0)).toBe(true);
		// A small batch is too small to call anything an outlier.
		expect((await clusterTexts(embedder, [...REQUESTS.refund, ...REQUESTS.password, ...OFF_TOPIC])).assignments.every((a) => a >= 0)).toBe(true);
	});

	it("numbers clusters largest first and handles empty input", async () => {
		const { clusters } = await clusterTexts(embedder, [
			...REQUESTS.refund,
			...REQUESTS.refund.slice(0, 3).map((t) => `${t}!`),
			...REQUESTS.password.slice(0, 4),
		]);
		expect(clusters.map((c) => c.size)).toEqual([...clusters.map((c) => c.size)].sort((a, b) => b - a));
		expect(await clusterTexts(embedder, [])).toEqual({ assignments: [], clusters: [] });
	});
});
