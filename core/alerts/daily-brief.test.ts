import { describe, expect, it } from "vitest";
import { alertRuleInputSchema } from "./alert-rule-input";
import { briefSections } from "./brief-sections";
import { type BriefIssueFacts, briefDueAt, buildDailyBrief, type DailyBriefFacts } from "./daily-brief";
import { renderDiscord } from "./destinations/discord";
import { renderSlack } from "./destinations/slack";
import { renderWebhook } from "./destinations/webhook";

const TO = Date.UTC(2026, 11, 6, 8);
const HOUR = 3_600_000;
const DASH = "https://dash.example";

const issue = (id: string, over: Partial<BriefIssueFacts> = {}): BriefIssueFacts => ({
	id,
	title: `Issue ${id}`,
	signal: "refusal",
	state: "ongoing",
	created_at: TO - 30 * 24 * HOUR,
	users: 0,
	users_prev: 0,
	regressed: false,
	resolved: false,
	...over,
});

const facts = (over: Partial<DailyBriefFacts> = {}): DailyBriefFacts => ({
	project_id: "prj_1",
	rule: { id: "rule_1", name: "Morning brief" },
	dashboard: DASH,
	to: TO,
	active_users: 200,
	active_users_prev: 100,
	issues: [
		issue("iss_new1", { title: "Claims it cannot access contacts", created_at: TO - 2 * HOUR, users: 12, state: "new" }),
		issue("iss_new2", { title: "Invents meeting times", created_at: TO - 20 * HOUR, users: 3, state: "new" }),
		issue("iss_reg", { title: "Forgets the user's timezone", users: 8, users_prev: 1, regressed: true, state: "regressed" }),
		issue("iss_esc", { title: "Tool loop on calendar search", users: 40, users_prev: 5, state: "escalating" }),
		issue("iss_calm", { title: "Apologises too much", users: 2, users_prev: 10 }),
		issue("iss_fixed", { title: "Wrong date in replies", users: 0, users_prev: 6, state: "resolved", resolved: true }),
	],
	positive_signals: [
		{ signal: "win", users: 50, users_prev: 30 },
		{ signal: "thumbs_up", users: 9, users_prev: 9 },
		{ signal: "share", users: 0, users_prev: 0 },
	],
	...over,
});

describe("daily brief content", () => {
	it("lists new, regressed and escalating issues with users, % of active users and a link, biggest first", () => {
		const m = buildDailyBrief(facts());
		const b = m.brief!;
		expect(m).toMatchObject({ kind: "daily_brief", title: "Daily brief for 2026-12-06", link: `${DASH}/issues`, at: "2026-12-06T08:00:00.000Z" });
		expect(b.window).toEqual({ from: "2026-12-05T08:00:00.000Z", to: "2026-12-06T08:00:00.000Z" });
		expect(b.new_issues.items.map((i) => i.id)).toEqual(["iss_new1", "iss_new2"]);
		expect(b.new_issues.items[0]).toMatchObject({ users: 12, users_pct: 6, link: `${DASH}/issues/iss_new1` });
		expect(b.regressed.items.map((i) => i.id)).toEqual(["iss_reg"]);
		expect(b.escalating.items[0]).toMatchObject({ id: "iss_esc", users: 40, users_pct: 20, users_prev: 5, users_prev_pct: 5 });
		expect(b.resolved.items.map((i) => i.id)).toEqual(["iss_fixed"]);
		expect(m.summary).toBe("200 active users in the last 24 h (100 the day before). 2 new, 1 regressed, 1 escalating issues. Top win: win (50 users).");
		expect(b.quiet).toBe(false);
	});

	it("movers compare % of users with the day before: up and down, at least one point, largest change first", () => {
		const b = buildDailyBrief(facts()).brief!;
		// iss_esc 5% -> 20%, iss_new1 0 -> 6%, iss_reg 1% -> 4%; iss_calm 10% -> 1%, iss_fixed 6% -> 0%.
		expect(b.movers_up.items.map((i) => [i.id, i.users_pct, i.users_prev_pct])).toEqual([
			["iss_esc", 20, 5],
			["iss_new1", 6, 0],
			["iss_reg", 4, 1],
		]);
		expect(b.movers_up.more).toBe(1); // iss_new2: 0 -> 1.5%
		expect(b.movers_down.items.map((i) => i.id)).toEqual(["iss_calm", "iss_fixed"]);
		// Same users against twice the active users: 1% -> 0.5%, below the one-point floor.
		const still = buildDailyBrief(facts({ issues: [issue("iss_x", { users: 2, users_prev: 1 })] })).brief!;
		expect(still.movers_up.items).toEqual([]);
	});

	it("wins are the positive signals with users, most first; a signal nobody had is left out", () => {
		const b = buildDailyBrief(facts()).brief!;
		expect(b.wins.items).toEqual([
			{ signal: "win", users: 50, users_prev: 30, users_pct: 25 },
			{ signal: "thumbs_up", users: 9, users_prev: 9, users_pct: 4.5 },
		]);
	});

	it("caps each list at three and counts the rest", () => {
		const many = Array.from({ length: 7 }, (_, i) => issue(`iss_${i}`, { created_at: TO - HOUR, users: 10 - i, state: "new" }));
		const b = buildDailyBrief(facts({ issues: many })).brief!;
		expect(b.new_issues.items.map((i) => i.id)).toEqual(["iss_0", "iss_1", "iss_2"]);
		expect(b.new_issues.more).toBe(4);
		const section = briefSections(b).find((s) => s.heading === "New issues")!;
		expect(section.lines).toHaveLength(3);
		expect(section.more).toBe(4);
	});

	it("a quiet day says so in one line and is still a brief", () => {
		const m = buildDailyBrief(facts({ issues: [issue("iss_flat", { users: 3, users_prev: 2 })], positive_signals: [] }));
		expect(m.brief!.quiet).toBe(true);
		expect(m.summary).toBe("A quiet day: no new, regressed or escalating issues, and no big movers. 200 active users in the last 24 h (100 the day before).");
		expect(briefSections(m.brief!)).toEqual([]);
	});

	it("an issue created before the window or after its end is not new", () => {
		const b = buildDailyBrief(facts({ issues: [issue("old", { created_at: TO - 24 * HOUR, users: 1 }), issue("later", { created_at: TO + 1, users: 1 })] }))
			.brief!;
		expect(b.new_issues.items).toEqual([]);
	});

	it("is due at the rule's hour of the UTC day", () => {
		expect(briefDueAt(Date.UTC(2026, 11, 6, 7, 59), 8)).toBe(Date.UTC(2026, 11, 6, 8));
		expect(briefDueAt(Date.UTC(2026, 11, 6, 23, 59), 0)).toBe(Date.UTC(2026, 11, 6, 0));
	});
});

describe("daily brief rendering", () => {
	const m = buildDailyBrief(
		facts({ issues: [...facts().issues, issue("iss_md", { title: "Says <b>*bold*</b> & [links] | pipes", created_at: TO - HOUR, users: 1 })] }),
	);

	it("Slack: a mrkdwn section per list, each issue a link to its page, HTML-ish characters escaped", () => {
		const body = JSON.parse(renderSlack(m));
		expect(body.text).toBe(`${m.title}: ${m.summary}`);
		const sections = body.blocks
			.filter((b: { type: string; text?: { text: string } }) => b.type === "section")
			.map((b: { text: { text: string } }) => b.text.text);
		const newIssues = sections.find((t: string) => t.startsWith("*New issues*"));
		expect(newIssues).toContain(`<${DASH}/issues/iss_new1|Claims it cannot access contacts> · 12 users (6%), ▲ from 0`);
		expect(newIssues).toContain(`<${DASH}/issues/iss_md|Says &lt;b&gt;*bold*&lt;/b&gt; &amp; [links] ¦ pipes>`);
		expect(sections.find((t: string) => t.startsWith("*Escalating*"))).toContain(
			`<${DASH}/issues/iss_esc|Tool loop on calendar search> · 40 users (20%), ▲ from 5`,
		);
		expect(sections.find((t: string) => t.startsWith("*Moving up"))).toContain("20% of users, ▲ 15 pts from 5%");
		expect(sections.find((t: string) => t.startsWith("*Moving up"))).toContain("4% of users, ▲ 3 pts from 1%");
		expect(sections.find((t: string) => t.startsWith("*Moving up"))).toContain(`<${DASH}/issues|…and 1 more>`);
		expect(sections.find((t: string) => t.startsWith("*Wins*"))).toContain("• win · 50 users (25%), ▲ from 30");
		expect(body.blocks.find((b: { type: string }) => b.type === "actions").elements[0].url).toBe(`${DASH}/issues`);
	});

	it("Discord: one embed, a field per list with masked links, markdown in titles escaped", () => {
		const embed = JSON.parse(renderDiscord(m)).embeds[0];
		expect(embed).toMatchObject({ title: "Daily brief for 2026-12-06", description: m.summary, url: `${DASH}/issues`, color: 0x10b981 });
		const field = (name: string) => embed.fields.find((f: { name: string }) => f.name === name);
		expect(field("New issues").value).toContain(`[Claims it cannot access contacts](${DASH}/issues/iss_new1) · 12 users (6%), ▲ from 0`);
		expect(field("New issues").value).toContain(`[Says <b>\\*bold\\*</b> & \\[links\\] \\| pipes](${DASH}/issues/iss_md)`);
		expect(field("Regressed").value).toContain(`[Forgets the user's timezone](${DASH}/issues/iss_reg) · 8 users (4%), ▲ from 1`);
		expect(field("Resolved").value).toContain(`[Wrong date in replies](${DASH}/issues/iss_fixed) · 6 users the day before`);
		expect(field("Moving down (% of users)").value).toContain("1% of users, ▼ 9 pts from 10%");
		expect(embed.fields.every((f: { inline: boolean }) => f.inline === false)).toBe(true);
	});

	it("generic webhook: the structured brief beside the title and summary", () => {
		const body = JSON.parse(renderWebhook(m, "alr_9"));
		expect(body).toMatchObject({ type: "barometer.alert.daily_brief", delivery_id: "alr_9", title: m.title, summary: m.summary });
		expect(body.brief.escalating.items[0]).toEqual({
			id: "iss_esc",
			title: "Tool loop on calendar search",
			signal: "refusal",
			state: "escalating",
			users: 40,
			users_pct: 20,
			users_prev: 5,
			users_prev_pct: 5,
			link: `${DASH}/issues/iss_esc`,
		});
		expect(body.brief.active_users).toBe(200);
	});
});

describe("daily brief rule input", () => {
	const rule = { name: "Brief", kind: "daily_brief", destination: { type: "slack", url: "https://hooks.slack.com/services/T/B/x" } };
	const problems = (body: object) => {
		const r = alertRuleInputSchema.safeParse(body);
		return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
	};

	it("takes an hour from 0 to 23 and only for daily briefs", () => {
		expect(problems({ ...rule, brief_hour_utc: 0 })).toEqual([]);
		expect(problems({ ...rule, brief_hour_utc: 23, filters: { signals: ["refusal"] } })).toEqual([]);
		expect(problems({ ...rule, brief_hour_utc: 24 })).toEqual(["brief_hour_utc: must be at most 23"]);
		expect(problems({ ...rule, brief_hour_utc: 7.5 })).toEqual(["brief_hour_utc: must be a whole hour from 0 to 23 (UTC)"]);
		expect(problems({ ...rule, kind: "new_issue", brief_hour_utc: 8 })).toEqual(["brief_hour_utc: only applies to daily brief rules"]);
		expect(problems({ ...rule, throttle_minutes: 60 })).toEqual(["throttle_minutes: does not apply to daily brief rules (one brief a day)"]);
	});
});
