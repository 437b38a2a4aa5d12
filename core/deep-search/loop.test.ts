import { describe, expect, it } from "vitest";
import { normalize } from "../embedding/embedder";
import {
	calibrate,
	clarify,
	DEFAULT_THRESHOLD,
	definitionModel,
	definitionSide,
	eventFeatures,
	matchCheck,
	nextToLabel,
	refit,
	runLoop,
	scoreFeatures,
	withNeighbours,
} from "./loop";
import type { Candidate } from "./types";

const DIMS = 16;
/** A seeded generator, so every vector below is the same on every run. */
function rng(seed: number) {
	let s = seed >>> 0;
	return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
}
/** A unit vector: `axis` plus noise of size `noise`. */
function vec(axis: number, noise: number, random: () => number): Float32Array {
	const v = new Float32Array(DIMS);
	for (let d = 0; d < DIMS; d++) v[d] = noise * random();
	v[axis]! += 1;
	return normalize(v);
}
const axis = (a: number) => vec(a, 0, () => 0);
const DEFINITION = axis(0);
const input = (v: Float32Array, id: string, text = id): Candidate => ({ id, features: eventFeatures(v, null, DIMS), text });
/** A pool where topic 0 is what the definition names, topic 1 what the labels say also matches, topics 2-5 do not match. */
function pool(n: number, seed = 7): (Candidate & { match: boolean })[] {
	const random = rng(seed);
	return Array.from({ length: n }, (_, i) => {
		const topic = i % 6;
		return { ...input(vec(topic, 0.6, random), `e${String(i).padStart(3, "0")}`), match: topic <= 1 };
	});
}

describe("eventFeatures", () => {
	it("puts input and output side by side, zeros for a missing side", () => {
		const f = eventFeatures(axis(1), null, DIMS);
		expect(f.length).toBe(2 * DIMS);
		expect(f[1]).toBe(1);
		expect(f.subarray(DIMS).every((x) => x === 0)).toBe(true);
		expect(eventFeatures(null, axis(2), DIMS)[DIMS + 2]).toBe(1);
	});
	it("refuses vectors of another size", () => {
		expect(() => eventFeatures(new Float32Array(3), null, DIMS)).toThrow(/16-d/);
	});
});

describe("definitionModel", () => {
	it("scores an event like the definition above the threshold and an unrelated one below", () => {
		const model = definitionModel(DEFINITION, "test", { side: "input" });
		expect(model.labels).toBe(0);
		expect(scoreFeatures(model, eventFeatures(axis(0), null, DIMS))).toBeGreaterThan(DEFAULT_THRESHOLD);
		expect(scoreFeatures(model, eventFeatures(axis(3), null, DIMS))).toBeLessThan(DEFAULT_THRESHOLD);
	});
	it("reads only the side the definition is about", () => {
		const model = definitionModel(DEFINITION, "test", { side: "output" });
		expect(scoreFeatures(model, eventFeatures(axis(0), null, DIMS))).toBeLessThan(DEFAULT_THRESHOLD);
		expect(scoreFeatures(model, eventFeatures(null, axis(0), DIMS))).toBeGreaterThan(DEFAULT_THRESHOLD);
	});
	it("guesses the side from the definition's words", () => {
		expect(definitionSide("The assistant refuses a harmless request")).toBe("output");
		expect(definitionSide("the user asks why their card payment was declined")).toBe("input");
		expect(definitionSide("talk about the weather")).toBe("both");
	});
});

describe("refit", () => {
	it("moves toward the labels: a topic labelled as matching rises, a labelled non-match falls", () => {
		const events = pool(60);
		const labelled = events.slice(0, 12);
		const before = definitionModel(DEFINITION, "test", { side: "input" });
		const after = refit(DEFINITION, "test", labelled, { side: "input" });
		expect(after.labels).toBe(12);
		const unseen = events.slice(12);
		const mean = (m: typeof before, topic: number) =>
			unseen.filter((_, i) => (i + 12) % 6 === topic).reduce((s, c) => s + scoreFeatures(m, c.features), 0) / (unseen.length / 6);
		expect(mean(after, 1)).toBeGreaterThan(mean(before, 1) + 0.2);
		expect(mean(after, 1)).toBeGreaterThan(DEFAULT_THRESHOLD);
		expect(mean(after, 0)).toBeGreaterThan(DEFAULT_THRESHOLD);
		expect(mean(after, 3)).toBeLessThan(DEFAULT_THRESHOLD);
	});
	it("is deterministic", () => {
		const labelled = pool(30);
		expect(refit(DEFINITION, "test", labelled)).toEqual(refit(DEFINITION, "test", labelled));
	});
	it("refits 20 labels (each with its 10 nearest pool events) and picks the next 5 of 500 512-d candidates in well under 100 ms", () => {
		const random = rng(3);
		const big = Array.from({ length: 500 }, (_, i) => ({
			id: `c${i}`,
			features: eventFeatures(unit512(random), unit512(random), 512),
			text: "",
			match: i % 4 === 0,
		}));
		const definition = unit512(random);
		const start = performance.now();
		const model = refit(definition, "test", withNeighbours(big.slice(0, 20), big, 10));
		nextToLabel(model, big, new Set(big.slice(0, 20).map((c) => c.id)));
		// The budget is 100 ms; the assertion leaves room for a slow, shared CI machine.
		expect(performance.now() - start).toBeLessThan(300);
	});
});

function unit512(random: () => number) {
	const v = new Float32Array(512);
	for (let d = 0; d < 512; d++) v[d] = random();
	return normalize(v);
}

describe("nextToLabel", () => {
	const model = definitionModel(DEFINITION, "test", { side: "input" });
	// Cosines with the definition: 1, 0.2 (the model's p = 0.5 point), 0.
	const sure = input(axis(0), "sure");
	const between = (id: string, tilt: number) => {
		const v = new Float32Array(DIMS);
		v[0] = 0.2;
		v[tilt] = Math.sqrt(1 - 0.04);
		return input(v, id);
	};
	const none = input(axis(5), "none");

	it("asks first about the candidate the model is least sure of", () => {
		expect(nextToLabel(model, [sure, none, between("mid", 3)], new Set(), 1)).toEqual(["mid"]);
	});
	it("does not ask twice about the same thing in one round", () => {
		const picks = nextToLabel(model, [between("a", 3), between("b", 3), between("c", 4), sure, none], new Set(), 2);
		expect(picks).toEqual(["a", "c"]);
	});
	it("skips candidates already labelled or asked", () => {
		expect(nextToLabel(model, [between("a", 3), sure], new Set(["a"]), 1)).toEqual(["sure"]);
	});
});

describe("clarify", () => {
	const text = (c: Candidate) => ({ ...c, text: `event ${c.id}` });
	it("asks when a labelled match reads unlike the definition and a labelled non-match reads like it", () => {
		const q = clarify(
			DEFINITION,
			[
				{ ...text(input(axis(0), "close")), match: false },
				{ ...text(input(axis(4), "far")), match: true },
			],
			{ side: "input" },
		);
		expect(q).not.toBeNull();
		expect(q!.match_id).toBe("far");
		expect(q!.non_match_id).toBe("close");
		expect(q!.question).toContain("event close");
	});
	it("stays quiet when the labels agree with the definition", () => {
		expect(
			clarify(
				DEFINITION,
				[
					{ ...text(input(axis(0), "close")), match: true },
					{ ...text(input(axis(4), "far")), match: false },
				],
				{ side: "input" },
			),
		).toBeNull();
		expect(clarify(DEFINITION, [], { side: "input" })).toBeNull();
	});
});

describe("withNeighbours", () => {
	const at = (id: string, ...values: number[]) => ({ id, features: Float32Array.from(values), match: true });
	const pool = [at("a", 1, 0), at("b", 0.8, 0.6), at("c", 0.6, 0.8), at("d", 0, 1)];
	it("averages each label half and half with the mean of its k nearest other pool events", () => {
		const [a] = withNeighbours([pool[0]!], pool, 2);
		expect(a!.id).toBe("a");
		expect(a!.match).toBe(true);
		// Nearest to a (itself left out): b, then c; their mean is (0.7, 0.7).
		expect(Array.from(a!.features)).toEqual([expect.closeTo(0.85, 6), expect.closeTo(0.35, 6)]);
	});
	it("leaves the features as they are with k = 0, no other event, or no labels", () => {
		expect(withNeighbours([pool[0]!], pool, 0)[0]).toBe(pool[0]);
		expect(withNeighbours([pool[0]!], [pool[0]!], 5)[0]).toBe(pool[0]);
		expect(withNeighbours([], pool, 5)).toEqual([]);
	});
});

describe("calibrate", () => {
	const noNaN = (c: ReturnType<typeof calibrate>) => c.points.every((p) => Object.values(p).every(Number.isFinite)) && Number.isFinite(c.suggested);
	it("with no labels: every point 0 with a [0, 1] interval, the default threshold suggested", () => {
		const c = calibrate(DEFINITION, "test", []);
		expect(c.labels).toBe(0);
		expect(c.suggested).toBe(DEFAULT_THRESHOLD);
		expect(c.points.length).toBeGreaterThan(0);
		expect(c.points.every((p) => p.precision === 0 && p.precision_low === 0 && p.precision_high === 1)).toBe(true);
		expect(noNaN(c)).toBe(true);
	});
	it("with every label the same, or 1 to 3 labels: no NaN, the default threshold when one class is missing", () => {
		const events = pool(24);
		const matches = events.filter((e) => e.match);
		const nonMatches = events.filter((e) => !e.match);
		for (const labelled of [matches, nonMatches]) {
			const c = calibrate(DEFINITION, "test", labelled, { side: "input" });
			expect(c.suggested).toBe(DEFAULT_THRESHOLD);
			expect(noNaN(c)).toBe(true);
		}
		for (const n of [1, 2, 3]) expect(noNaN(calibrate(DEFINITION, "test", events.slice(0, n), { side: "input" }))).toBe(true);
	});
	it("finds a threshold that separates well-separated labels, with intervals around each point", () => {
		const c = calibrate(DEFINITION, "test", pool(60), { side: "input" });
		// Half the curve's best F1, on the grid: well-separated labels have F1 near 1, so near 0.5.
		expect(c.suggested).toBeGreaterThanOrEqual(0.4);
		expect(c.suggested).toBeLessThanOrEqual(0.5);
		const at = c.points.find((p) => p.threshold === c.suggested)!;
		expect(at.precision).toBeGreaterThan(0.8);
		expect(at.recall).toBeGreaterThan(0.8);
		for (const p of c.points) {
			expect(p.precision_low).toBeLessThanOrEqual(p.precision);
			expect(p.precision_high).toBeGreaterThanOrEqual(p.precision);
		}
		expect(calibrate(DEFINITION, "test", pool(60), { side: "input" })).toEqual(c);
	});
});

describe("matchCheck", () => {
	it("says why: the definition and the nearest labelled example", () => {
		const labelled = pool(12);
		const model = refit(DEFINITION, "test", labelled, { side: "input" });
		const v = matchCheck(model, 0.5, input(axis(1), "x"), { definition: DEFINITION, labelled, side: "input" });
		expect(v.match).toBe(true);
		expect(v.reason).toMatch(/far from the definition \(0\.00\), nearest a labelled match/);
	});
});

describe("runLoop", () => {
	const events = pool(120);
	const gold = new Map(events.map((e) => [e.id, e.match]));
	const candidates = events.map(({ match: _, ...c }) => c);

	it("spends the budget on answered labels only, then scores every candidate", () => {
		const unknown = new Set(events.filter((_, i) => i % 5 === 0).map((e) => e.id));
		const run = runLoop({
			definition: DEFINITION,
			embedder: "test",
			pool: candidates,
			oracle: (id) => (unknown.has(id) ? undefined : gold.get(id)),
			budget: 12,
			options: { side: "input" },
		});
		expect(run.labelled.length).toBe(12);
		expect(run.labelled.some((l) => unknown.has(l.id))).toBe(false);
		expect(run.scores.size).toBe(120);
		const unseen = events.filter((e) => !run.labelled.some((l) => l.id === e.id));
		const right = unseen.filter((e) => run.scores.get(e.id)! >= run.threshold === e.match).length;
		expect(right / unseen.length).toBeGreaterThan(0.9);
	});
	it("starts from seed labels and gives the same result every time", () => {
		const args = {
			definition: DEFINITION,
			embedder: "test",
			pool: candidates,
			oracle: (id: string) => gold.get(id),
			budget: 8,
			seedLabels: [{ id: events[1]!.id, match: true }],
			options: { side: "input" as const },
		};
		const a = runLoop(args);
		expect(a.labelled[0]).toEqual({ id: events[1]!.id, match: true });
		expect(a.labelled.length).toBe(9);
		expect(runLoop(args)).toEqual(a);
	});

	it("when the definition points at the wrong events, spreads over the pool until it finds a match", () => {
		// Matches are topic 3, which the definition (topic 0) reads as unrelated; asking near the
		// definition's boundary (uncertainty alone) finds none in 8 labels on this pool.
		const wrong = new Map(events.map((e, i) => [e.id, i % 6 === 3]));
		const run = runLoop({ definition: DEFINITION, embedder: "test", pool: candidates, oracle: (id) => wrong.get(id), budget: 8, options: { side: "input" } });
		expect(run.labelled.filter((l) => l.match).length).toBeGreaterThan(0);
	});
});
