import { describe, expect, it } from "vitest";
import { alertRuleBody, describeRule, EMPTY_DRAFT, type AlertRuleDraft } from "./alert-form";
import { dailyMarkers, signalRateSeries } from "./chart-data";
import { heatLevel, matrixColumns } from "./heatmap";
import { filtersFromUrl, filtersToUrl, mergePlan, parsePropertyFilter, sortIssues, trendLabel } from "./issue-table";
import type { AlertRule } from "#core/api/alerts";
import type { IssueListItem } from "#core/api/issues";
import type { SignalInfo, SignalRates } from "#core/api/signals";

const issue = (id: string, over: Partial<IssueListItem> = {}): IssueListItem => ({
	id,
	signal: "refusal",
	title: id,
	description: "",
	state: "new",
	events: 1,
	users: 1,
	window_users: 1,
	pct_users: 1,
	first_seen: "2026-11-01T00:00:00.000Z",
	last_seen: "2026-11-02T00:00:00.000Z",
	created_at: null,
	resolved_at: null,
	resolved_in_release: null,
	priority: 1,
	priority_factors: { users: 1, negative_sentiment: 1, achievable_delta: 1, strategic_relevance: 1 },
	daily_users: [0, 1],
	trend: { direction: "flat", recent: 1, previous: 1 },
	top_intent: null,
	...over,
});

describe("issue list", () => {
	it("round-trips its filters through the URL, leaving defaults out", () => {
		const f = filtersFromUrl(new URLSearchParams("signal=refusal&property=plan%3Dpro&sort=users&dir=asc&sort2=x"));
		expect(f).toMatchObject({ signal: "refusal", property: "plan=pro", sort: "users", desc: false });
		expect(filtersToUrl(f)).toBe("?signal=refusal&property=plan%3Dpro&sort=users&dir=asc");
		expect(filtersToUrl(filtersFromUrl(new URLSearchParams("sort=bogus")))).toBe("");
	});

	it("reads a property filter typed as key=value", () => {
		expect(parsePropertyFilter(" prompt_version = v12 ")).toEqual({ prompt_version: "v12" });
		expect(parsePropertyFilter("no equals sign")).toBeUndefined();
	});

	it("sorts by the users shown (in the window), by title, or by priority", () => {
		const items = [issue("b", { window_users: 5, users: 50, priority: 2 }), issue("a", { window_users: 9, users: 10, priority: 1 })];
		expect(sortIssues(items, "users", true).map((i) => i.id)).toEqual(["a", "b"]);
		expect(sortIssues(items, "title", false).map((i) => i.id)).toEqual(["a", "b"]);
		expect(sortIssues(items, "priority", true).map((i) => i.id)).toEqual(["b", "a"]);
	});

	it("merges selected issues into the one with the highest priority, same signal only", () => {
		const plan = mergePlan([issue("x", { priority: 1 }), issue("y", { priority: 7 }), issue("z", { priority: 3 })]);
		expect("into" in plan && [plan.into.id, plan.from.map((i) => i.id)]).toEqual(["y", ["z", "x"]]);
		expect(mergePlan([issue("x"), issue("y", { signal: "laziness" })])).toEqual({ error: "Only issues of the same signal can be merged." });
		expect(mergePlan([issue("x")])).toHaveProperty("error");
	});

	it("labels the trend as bad when it grows", () => {
		expect(trendLabel({ direction: "up", recent: 9, previous: 3 })).toEqual({ text: "▲ 9 vs 3", tone: "bad" });
		expect(trendLabel({ direction: "down", recent: 1, previous: 5 }).tone).toBe("good");
	});
});

describe("charts", () => {
	const catalog: SignalInfo[] = [
		{ name: "refusal", polarity: "negative", kind: "implicit", description: "" },
		{ name: "laziness", polarity: "negative", kind: "implicit", description: "" },
		{ name: "win", polarity: "positive", kind: "implicit", description: "" },
	];
	const rates: SignalRates = {
		from: "2026-11-01",
		to: "2026-11-02",
		window: { active_users: 10, signals: { refusal: { users: 3, pct: 30 }, win: { users: 1, pct: 10 } } },
		days: [
			{ day: "2026-11-01", active_users: 5, events: 8, signals: { refusal: { users: 1, pct: 20 } } },
			{ day: "2026-11-02", active_users: 5, events: 9, signals: { refusal: { users: 2, pct: 40 }, win: { users: 1, pct: 20 } } },
		],
	};

	it("plots only signals that occurred, per day, with zeros for quiet days", () => {
		const neg = signalRateSeries(rates, catalog, "negative");
		expect(neg.x).toEqual([Date.UTC(2026, 10, 1) / 1000, Date.UTC(2026, 10, 2) / 1000]);
		expect(neg.series).toEqual([{ label: "refusal", values: [20, 40] }]);
		expect(signalRateSeries(rates, catalog, "positive").series).toEqual([{ label: "win", values: [0, 20] }]);
	});

	it("puts release markers on the day they happened", () => {
		expect(dailyMarkers([{ kind: "prompt_version", value: "v12", at: "2026-11-02T15:00:00.000Z" }])).toEqual([
			{ at: Date.UTC(2026, 10, 2) / 1000, label: "prompt v12" },
		]);
	});
});

describe("heat map", () => {
	it("scales by square root, so small shares stay visible, and caps at the hottest cell", () => {
		expect(heatLevel(0, 50)).toBe(0);
		expect(heatLevel(50, 50)).toBe(1);
		expect(heatLevel(12.5, 50)).toBe(0.5);
		expect(heatLevel(80, 50)).toBe(1);
	});

	it("orders columns negative first, then by how many users had them", () => {
		const rows: { signals: Record<string, { users: number }> }[] = [
			{ signals: { win: { users: 9 }, refusal: { users: 2 } } },
			{ signals: { laziness: { users: 5 }, refusal: { users: 1 } } },
		];
		expect(matrixColumns(rows, (s) => (s === "win" ? "positive" : "negative"))).toEqual(["laziness", "refusal", "win"]);
	});
});

describe("alert rule form", () => {
	const draft: AlertRuleDraft = { ...EMPTY_DRAFT, kind: "threshold", url: " https://hooks.slack.com/x ", signals: "refusal, laziness" };

	it("builds the API body: filters from lists, the threshold, no throttle unless typed", () => {
		expect(alertRuleBody(draft)).toEqual({
			name: "refusal above 5%",
			kind: "threshold",
			filters: { signals: ["refusal", "laziness"] },
			destination: { type: "slack", url: "https://hooks.slack.com/x" },
			threshold: { subject: { signal: "refusal" }, metric: "percent_users", value: 5, window_minutes: 60 },
		});
		expect(alertRuleBody({ ...draft, kind: "escalating", throttleMinutes: "30" })).toMatchObject({ min_users: 5, throttle_minutes: 30 });
		expect(alertRuleBody({ ...draft, intent: "int_1", property: "plan = pro" }).filters).toEqual({
			signals: ["refusal", "laziness"],
			intents: ["int_1"],
			properties: { plan: "pro" },
		});
	});

	it("describes a rule in one line", () => {
		const rule = {
			kind: "threshold",
			filters: { models: ["m2"] },
			threshold: { subject: { signal: "refusal" }, metric: "users", value: 10, window_minutes: 60 },
			throttle_minutes: 60,
		} as unknown as AlertRule;
		expect(describeRule(rule)).toBe("refusal ≥ 10 users in 60 min (on m2), at most once per 60 min");
	});
});
