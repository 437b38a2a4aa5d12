import { describe, expect, it } from "vitest";
import { deepSearchSaveSchema } from "#core/api/deep-searches";
import { ApiClientError } from "./api-client";
import {
	clampThreshold,
	curveColumns,
	formErrors,
	hasCurve,
	jobProgress,
	labelSummary,
	nearestPoint,
	roundLabels,
	searchStatus,
	signalNameProblem,
	suggestSignalName,
	withInterval,
} from "./deep-search";

const point = (threshold: number, precision: number, recall: number) => ({
	threshold,
	precision,
	recall,
	precision_low: precision - 0.1,
	precision_high: Math.min(1, precision + 0.1),
	recall_low: recall - 0.1,
	recall_high: Math.min(1, recall + 0.1),
});

describe("deep search: the signal name", () => {
	it("accepts and refuses exactly the names the API's save schema does", () => {
		const names = ["calendar_refusal", "ab", "a", "Calendar", "1st_issue", "has space", "x".repeat(48), "x".repeat(49), "ok_2", "é_accent", "", "a-b"];
		for (const name of names) {
			const api = deepSearchSaveSchema.shape.name.safeParse(name).success;
			expect({ name, ok: signalNameProblem(name) === null }).toEqual({ name, ok: api });
		}
	});

	it("says why a name is refused", () => {
		expect(signalNameProblem("")).toMatch(/required/);
		expect(signalNameProblem("Bad Name")).toMatch(/lowercase letters, digits or _/);
	});

	it("suggests a valid name from the definition's first words", () => {
		expect(suggestSignalName("The assistant claims it cannot access the user's calendar")).toBe("assistant_claims_it_cannot");
		expect(suggestSignalName("“Refunds” refused!")).toBe("refunds_refused");
		expect(signalNameProblem(suggestSignalName("42 ???"))).toBeNull();
		expect(signalNameProblem(suggestSignalName("Ünïcode wörds everywhere in a very long sentence indeed"))).toBeNull();
	});
});

describe("deep search: the API's errors on a form", () => {
	it("puts each 400 field error next to its field, nested fields under their top field", () => {
		const err = new ApiClientError(400, "invalid_body", "The deep search is not valid.", [
			{ field: "definition", message: "is empty: describe the problem in words" },
			{ field: "examples[0].event_id", message: "no event `evt_x`" },
			{ field: "examples[1].event_id", message: "no event `evt_y`" },
		]);
		expect(formErrors(err)).toEqual({
			fields: { definition: "is empty: describe the problem in words", examples: "no event `evt_x`; no event `evt_y`" },
			message: null,
		});
	});

	it("keeps the message when no field is named (e.g. a read key, a conflict)", () => {
		expect(formErrors(new ApiClientError(403, "forbidden", "This needs an admin key."))).toEqual({ fields: {}, message: "This needs an admin key." });
		expect(formErrors(new Error("boom"))).toEqual({ fields: {}, message: "boom" });
	});
});

describe("deep search: a round of labels", () => {
	it("sends only the decided candidates, in the order they were shown", () => {
		const round = [{ event_id: "a" }, { event_id: "b" }, { event_id: "c" }];
		expect(roundLabels(round, { c: false, a: true })).toEqual([
			{ event_id: "a", match: true },
			{ event_id: "c", match: false },
		]);
		expect(roundLabels(round, {})).toEqual([]);
	});

	it("ignores decisions about events no longer in the round", () => {
		expect(roundLabels([{ event_id: "a" }], { gone: true })).toEqual([]);
	});

	it("summarises the labels in one line", () => {
		expect(labelSummary({ total: 0, matches: 0, non_matches: 0, without_event: 0 })).toMatch(/definition alone/);
		expect(labelSummary({ total: 7, matches: 3, non_matches: 4, without_event: 1 })).toBe("7 labels · 3 match · 4 don't · 1 on deleted events");
	});
});

describe("deep search: the calibration curve", () => {
	const points = [point(0.7, 0.9, 0.4), point(0.3, 0.6, 0.9), point(0.5, 0.8, 0.7)];

	it("gives uPlot its columns in threshold order", () => {
		const c = curveColumns(points);
		expect(c.threshold).toEqual([0.3, 0.5, 0.7]);
		expect(c.precision).toEqual([0.6, 0.8, 0.9]);
		const tenths = (vs: number[]) => vs.map((v) => Math.round(v * 10) / 10);
		expect(tenths(c.recallHigh)).toEqual([1, 0.8, 0.5]);
		expect(tenths(c.precisionLow)).toEqual([0.5, 0.7, 0.8]);
	});

	it("snaps a picked threshold to the nearest measured point, the lower one on a tie", () => {
		expect(nearestPoint(points, 0.62)?.threshold).toBe(0.7);
		expect(nearestPoint(points, 0.4)?.threshold).toBe(0.3);
		expect(nearestPoint(points, 0)?.threshold).toBe(0.3);
		expect(nearestPoint([], 0.5)).toBeNull();
	});

	it("keeps thresholds within what PATCH accepts, at two decimals", () => {
		expect(clampThreshold(0)).toBe(0.01);
		expect(clampThreshold(1.2)).toBe(0.99);
		expect(clampThreshold(0.4567)).toBe(0.46);
	});

	it("has no curve until two matches and two non-matches are labelled, nor while every point is zero", () => {
		const labels = (matches: number, non_matches: number) => ({ total: matches + non_matches, matches, non_matches, without_event: 0 });
		const calibration = { points, suggested: 0.5, labels: 4 };
		expect(hasCurve({ calibration, labels: labels(0, 0) })).toBe(false);
		expect(hasCurve({ calibration, labels: labels(1, 1) })).toBe(false);
		expect(hasCurve({ calibration, labels: labels(4, 1) })).toBe(false);
		expect(hasCurve({ calibration: { ...calibration, points: [point(0.5, 0, 0)] }, labels: labels(2, 2) })).toBe(false);
		expect(hasCurve({ calibration: { ...calibration, points: [] }, labels: labels(2, 2) })).toBe(false);
		expect(hasCurve({ calibration, labels: labels(2, 2) })).toBe(true);
	});

	it("writes a value with its interval", () => {
		expect(withInterval(0.82, 0.7, 0.904)).toBe("82% (70–90%)");
	});
});

describe("deep search: the list's state", () => {
	it("tells drafts, saved searches and saved ones changed since apart", () => {
		const signal = { name: "x_y", polarity: "negative" as const, saved_version: 3, job_id: null };
		expect(searchStatus({ state: "draft", signal: null, version: 2 })).toEqual({ label: "draft", tone: "draft" });
		expect(searchStatus({ state: "saved", signal, version: 3 })).toEqual({ label: "saved", tone: "saved" });
		expect(searchStatus({ state: "saved", signal, version: 5 }).tone).toBe("changed");
	});
});

describe("deep search: the backfill job's progress", () => {
	it("fills the bar by events scored, and polls while the job is queued or running", () => {
		expect(jobProgress({ state: "queued", done: 0, total: null })).toEqual({
			fraction: null,
			label: "Queued: scoring the stored events starts shortly",
			polling: true,
		});
		expect(jobProgress({ state: "running", done: 250, total: 1000 })).toEqual({
			fraction: 0.25,
			label: "Scoring stored events: 250 of 1,000 events (25%)",
			polling: true,
		});
		expect(jobProgress({ state: "done", done: 1000, total: 1000 })).toMatchObject({ fraction: 1, polling: false });
	});

	it("says why it failed and stops polling", () => {
		expect(jobProgress({ state: "failed", done: 10, total: 40, error: "model missing" })).toEqual({
			fraction: 0.25,
			label: "Failed after 10 of 40 events: model missing",
			polling: false,
		});
	});
});
