import { describe, expect, it } from "vitest";
import { alertRuleBody, describeRule, EMPTY_DRAFT, type AlertRuleDraft } from "./alert-form";
import { countAxisIncrs, dailyMarkers, layoutMarkerLabels, PALETTE, shownSeries, signalRateSeries, togglePick } from "./chart-data";
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
		expect(trendLabel({ direction: "new", recent: 4, previous: 0 })).toEqual({ text: "▲ 4 vs 0", tone: "bad" });
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
		window: { active_users: 10, any_negative: { users: 3, pct: 30 }, signals: { refusal: { users: 3, pct: 30 }, win: { users: 1, pct: 10 } } },
		days: [
			{ day: "2026-11-01", active_users: 5, events: 8, signals: { refusal: { users: 1, pct: 20 } } },
			{ day: "2026-11-02", active_users: 5, events: 9, signals: { refusal: { users: 2, pct: 40 }, win: { users: 1, pct: 20 } } },
		],
	};

	it("plots only signals that occurred, per day, with zeros for quiet days", () => {
		const neg = signalRateSeries(rates, catalog, "negative");
		expect(neg.x).toEqual([Date.UTC(2026, 10, 1) / 1000, Date.UTC(2026, 10, 2) / 1000]);
		expect(neg.series).toEqual([{ key: "refusal", label: "refusal", windowUsers: 3, colour: PALETTE[0], values: [20, 40] }]);
		expect(signalRateSeries(rates, catalog, "positive").series).toEqual([{ key: "win", label: "win", windowUsers: 1, colour: PALETTE[0], values: [0, 20] }]);
	});

	describe("which signals a chart draws", () => {
		const names = ["refusal", "laziness", "forgetting", "apology", "tool_error"];
		const wide: SignalRates = {
			...rates,
			// Window users rank them: tool_error 9, apology 7, refusal 5, laziness 2, forgetting 1.
			window: {
				active_users: 20,
				any_negative: { users: 12, pct: 60 },
				signals: Object.fromEntries([5, 2, 1, 7, 9].map((u, i) => [names[i]!, { users: u, pct: u * 5 }])),
			},
		};
		const cat: SignalInfo[] = names.map((name) => ({ name, polarity: "negative", kind: "implicit", description: "" }));
		const ranked = signalRateSeries(wide, cat, "negative").series;

		it("ranks series by users in the window and keeps each signal's colour by rank", () => {
			expect(ranked.map((s) => s.key)).toEqual(["tool_error", "apology", "refusal", "laziness", "forgetting"]);
			expect(ranked.map((s) => s.colour)).toEqual(PALETTE.slice(0, 5));
		});

		it("shows the top 3 by default, then exactly what the reader picked", () => {
			expect(shownSeries(ranked, null).map((s) => s.key)).toEqual(["tool_error", "apology", "refusal"]);
			const added = togglePick(ranked, null, "forgetting");
			expect([...added].sort()).toEqual(["apology", "forgetting", "refusal", "tool_error"]);
			// Shown in rank order, whatever the order of picking; colours unchanged.
			expect(shownSeries(ranked, added).map((s) => [s.key, s.colour])).toEqual([
				["tool_error", PALETTE[0]],
				["apology", PALETTE[1]],
				["refusal", PALETTE[2]],
				["forgetting", PALETTE[4]],
			]);
			const removed = togglePick(ranked, added, "apology");
			expect(shownSeries(ranked, removed).map((s) => s.key)).toEqual(["tool_error", "refusal", "forgetting"]);
			expect(shownSeries(ranked, new Set())).toEqual([]);
		});
	});

	describe("marker labels", () => {
		const width = (t: string) => t.length * 6;
		const m = (x: number, label: string) => ({ at: x * 100, label, x });

		it("keeps far-apart labels on one row, each right of its line", () => {
			const out = layoutMarkerLabels([m(10, "release 1.2"), m(300, "model gpt-x")], { plotWidth: 600, width });
			expect(out.map((l) => [l.text, l.left, l.row])).toEqual([
				["release 1.2", 14, 0],
				["model gpt-x", 304, 0],
			]);
		});

		it("staggers close labels onto a second row instead of drawing them over each other", () => {
			const out = layoutMarkerLabels([m(100, "prompt v12"), m(130, "model assistant-2026-11")], { plotWidth: 600, width });
			expect(out.map((l) => [l.text, l.row])).toEqual([
				["prompt v12", 0],
				["model assistant-2026-11", 1],
			]);
		});

		it("collapses markers on the same spot into one label with every change in its title", () => {
			const [only, ...rest] = layoutMarkerLabels([m(200, "model assistant-2026-11"), m(200, "prompt v12")], { plotWidth: 600, width });
			expect(rest).toEqual([]);
			expect(only).toMatchObject({ text: "2 changes", title: "model assistant-2026-11\nprompt v12", row: 0 });
			expect(only!.markers.map((x) => x.label)).toEqual(["model assistant-2026-11", "prompt v12"]);
		});

		it("folds a label with no free row into its neighbour's group", () => {
			const out = layoutMarkerLabels([m(100, "release aaaaaa"), m(120, "release bbbbbb"), m(140, "release cccccc")], { plotWidth: 600, width, rows: 2 });
			expect(out.map((l) => [l.text, l.row])).toEqual([
				["release aaaaaa", 0],
				["2 changes", 1],
			]);
			expect(out[1]!.title).toBe("release bbbbbb\nrelease cccccc");
		});

		it("never runs a label past either edge of the plot", () => {
			const out = layoutMarkerLabels([m(0, "release first"), m(595, "model assistant-2026-11")], { plotWidth: 600, width });
			for (const l of out) {
				expect(l.left).toBeGreaterThanOrEqual(0);
				expect(l.left + width(l.text)).toBeLessThanOrEqual(600);
			}
			// Near the right edge the label sits left of its line.
			expect(out[1]!.left + width(out[1]!.text)).toBeLessThanOrEqual(595);
		});

		it("folds a label pushed left of its line by the right edge into the line it would otherwise cover", () => {
			// On a phone: "model assistant-2026-11" (138 px) cannot sit right of its line at 218 in a 300 px plot.
			const out = layoutMarkerLabels([m(165, "prompt v12"), m(218, "model assistant-2026-11")], { plotWidth: 300, width });
			expect(out.map((l) => [l.text, l.left, l.row, l.title])).toEqual([["2 changes", 169, 0, "prompt v12\nmodel assistant-2026-11"]]);
			// With the earlier line out of the way, it just sits left of its own line.
			const alone = layoutMarkerLabels([m(40, "prompt v12"), m(218, "model assistant-2026-11")], { plotWidth: 300, width });
			expect(alone.map((l) => [l.text, l.left])).toEqual([
				["prompt v12", 44],
				["model assistant-2026-11", 218 - 4 - 138],
			]);
		});

		it("leaves out markers outside the plot", () => {
			expect(layoutMarkerLabels([m(-5, "release old"), m(700, "release later")], { plotWidth: 600, width })).toEqual([]);
		});
	});

	it("steps count axes by whole numbers only, far enough to cover the largest value", () => {
		for (const max of [0, 0.5, 1, 1.5, 2, 7, 48, 1234]) {
			const incrs = countAxisIncrs(max);
			expect(incrs.every((i) => Number.isInteger(i) && i >= 1)).toBe(true);
			expect(incrs.at(-1)!).toBeGreaterThanOrEqual(max);
		}
		expect(countAxisIncrs(2)).toEqual([1, 2, 5]);
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

	it("a daily brief sends its hour, never a throttle, and reads as the hour it goes out", () => {
		const brief = { ...draft, kind: "daily_brief", briefHour: 7, throttleMinutes: "30" } as const;
		const body = alertRuleBody(brief);
		expect(body).toMatchObject({ name: "Daily brief at 07:00 UTC", kind: "daily_brief", brief_hour_utc: 7 });
		expect(body).not.toHaveProperty("throttle_minutes");
		expect(body).not.toHaveProperty("threshold");
		expect(alertRuleBody({ ...draft, kind: "new_issue" })).not.toHaveProperty("brief_hour_utc");
		const rule = { kind: "daily_brief", filters: { signals: ["refusal"] }, brief_hour_utc: 8, throttle_minutes: 0 } as unknown as AlertRule;
		expect(describeRule(rule)).toBe("Daily brief at 08:00 UTC (refusal)");
		expect(describeRule({ ...rule, brief_hour_utc: 17, filters: {} })).toBe("Daily brief at 17:00 UTC");
	});
});
