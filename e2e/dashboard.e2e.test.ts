import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { LOCAL_ADMIN_KEY, shot, signedInPage, watchErrors } from "./browser";
import { tour } from "./view-tour";

const BASE = inject("e2eBaseUrl");
const ADMIN = LOCAL_ADMIN_KEY;
const WRITE = "bm_write_localdev00000000000000000000";
let browser: Browser;
let page: Page;
let errors: string[];

const api = async <T>(path: string): Promise<T> => (await fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json() as Promise<T>;

beforeAll(async () => {
	({ browser, page, errors } = await signedInPage(BASE, ADMIN));
});

afterAll(async () => {
	await browser?.close();
});

afterEach(() => {
	expect(errors).toEqual([]);
});

const card = (title: string) => page.locator(".card", { has: page.getByRole("heading", { name: title }) });

/** Marker labels on `p`'s charts that overlap one another or stick out of their plot, described (empty when all read cleanly). */
async function markerLabelClashes(p: Page): Promise<string[]> {
	const labels = await p.locator(".chart-marker-label").evaluateAll((els) =>
		els.map((el) => {
			// No named functions in here: vitest wraps them in a helper the page does not have.
			const [r, plot] = [el, el.closest(".u-over")!].map((e) => {
				const b = e.getBoundingClientRect();
				return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
			});
			const chart = Array.from(document.querySelectorAll(".chart")).indexOf(el.closest(".chart")!);
			return { text: el.textContent ?? "", title: el.getAttribute("title") ?? "", chart, r: r!, plot: plot! };
		}),
	);
	const clashes: string[] = [];
	for (const [i, a] of labels.entries()) {
		if (a.r.left < a.plot.left - 0.5 || a.r.right > a.plot.right + 0.5) clashes.push(`${a.text} sticks out of its plot`);
		for (const b of labels.slice(i + 1))
			if (a.chart === b.chart && a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom)
				clashes.push(`${a.text} overlaps ${b.text}`);
		if (/^\d+ changes$/.test(a.text) && a.title.split("\n").length !== Number(a.text.split(" ")[0])) clashes.push(`${a.text} titled "${a.title}"`);
	}
	return clashes;
}

describe("dashboard in a real browser, on the demo month", () => {
	it("overview: signal rates over time, top issues by priority, new and regressed", async () => {
		await page.getByRole("heading", { name: "Overview" }).waitFor();
		await page.locator(".chart canvas").first().waitFor();
		expect(page.url()).not.toContain("key=");
		const top = card("Top issues by priority").locator(".issue-mini a");
		expect(await top.count()).toBeGreaterThanOrEqual(3);
		expect((await top.allInnerTexts()).join(" | ")).toMatch(/calendar/i);
		const fresh = card("New and regressed");
		await expect.poll(() => fresh.locator(".state-regressed").count()).toBeGreaterThanOrEqual(1);
		expect(await fresh.innerText()).toMatch(/2024/);
		await shot(page, "overview");
	});

	it("overview: the negative signals chart draws the top 3 by users, a chip (by keyboard) adds another; the stat is the API's any-negative share", async () => {
		const chart = card("Negative signals, % of users per day");
		await chart.locator(".chart canvas").waitFor();
		// uPlot's legend holds the x series first, then one row per line drawn.
		const drawn = async () => (await chart.locator(".u-legend .u-series").allInnerTexts()).slice(1);
		expect(await drawn()).toHaveLength(3);
		const chips = chart.locator(".series-chip");
		expect(await chips.count()).toBeGreaterThan(3);
		expect(await chart.locator('.series-chip[aria-pressed="true"]').count()).toBe(3);
		// Pinned by its title: once pressed, the first unpressed chip is another one.
		const title = (await chart.locator('.series-chip[aria-pressed="false"]').first().getAttribute("title"))!;
		const extra = chart.locator(`.series-chip[title="${title}"]`);
		const name = title.split(":")[0]!;
		await extra.focus();
		await page.keyboard.press("Enter");
		await expect.poll(async () => (await drawn()).length).toBe(4);
		expect(await extra.getAttribute("aria-pressed")).toBe("true");
		expect(await chart.locator(".u-legend").innerText()).toContain(name);
		const { data } = await api<{ data: { window: { any_negative: { pct: number }; signals: Record<string, { pct: number }> } } }>("/api/signals/rates");
		const stat = page.locator(".stat", { hasText: "Users with a negative signal, 30 days" });
		expect(await stat.locator(".stat-value").innerText()).toBe(`${data.window.any_negative.pct}%`);
		// The demo's prompt and model changes are labelled on the chart, each readable.
		expect((await chart.locator(".chart-marker-label").evaluateAll((els) => els.map((e) => e.getAttribute("title")))).join("\n")).toMatch(/prompt v12/);
		expect(await markerLabelClashes(page)).toEqual([]);
		await shot(page, "overview-signal-picker");
	});

	it("issue: open it from the overview, see where it happens, resolve it and see the state change", async () => {
		await card("Top issues by priority").locator(".issue-mini a").first().click();
		await page.getByRole("heading", { name: "Where it happens" }).waitFor();
		const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
		expect(await page.locator(".baseline-bars").count()).toBeGreaterThan(2);
		expect(await page.locator(".example mark").count()).toBeGreaterThan(0);
		// Each value's share of the users beside its share of all users, over a labelled window, as the API gives them.
		type Row = { value: string | null; users: number; share: number; baseline_share: number };
		const { data: detail } = await api<{ data: { breakdowns: { window: { from: string; to: string }; model: Row[] } } }>(
			`/api/issues/${encodeURIComponent(id)}`,
		);
		const { window, model } = detail.breakdowns;
		expect(await card("Where it happens").locator(".baseline-legend").innerText()).toContain(`share of all users active ${window.from} – ${window.to}`);
		const models = card("Where it happens").locator(".baseline-bars").first();
		expect(await models.getAttribute("aria-label")).toBe("Users by Model, against all users");
		const texts = await models.locator(".baseline-value").allInnerTexts();
		expect(texts).toHaveLength(model.length);
		texts.forEach((text, i) => {
			const m = /^(\d+) users? · ([\d.]+)% vs ([\d.]+)% of all users/.exec(text.trim());
			expect(m, text).not.toBeNull();
			expect(Number(m![1])).toBe(model[i]!.users);
			expect(Number(m![2])).toBeCloseTo(model[i]!.share, 0);
			expect(Number(m![3])).toBeCloseTo(model[i]!.baseline_share, 0);
			expect(model[i]!.baseline_share).toBeGreaterThan(0);
		});
		await shot(page, "issue-detail");
		// The demo's month was imported at once: the history says when the issue was first seen, not only when it was made.
		expect(await card("History").innerText()).toMatch(/similar events, first seen \d{4}-\d{2}-\d{2}/);
		await page.getByTestId("resolve").click();
		await page.locator(".issue-head .state-badge", { hasText: "resolved" }).waitFor();
		await page.getByRole("heading", { name: "History" }).scrollIntoViewIfNeeded();
		await expect.poll(() => card("History").innerText()).toMatch(/resolved/i);
		const { data } = await api<{ data: { state: string } }>(`/api/issues/${encodeURIComponent(id)}`);
		expect(data.state).toBe("resolved");
		await shot(page, "issue-resolved");
	});

	it("issues: states follow the events' own time, and no two issues share a title", async () => {
		const { data } = await api<{ data: { title: string; state: string; first_seen: string }[] }>("/api/issues?limit=100");
		expect(data.length).toBeGreaterThan(5);
		// A month of backfilled events: an issue first seen more than a day ago is no longer new, whenever it was made.
		const dayAgo = Date.now() - 86_400_000;
		expect(data.filter((i) => Date.parse(i.first_seen) < dayAgo && i.state === "new").map((i) => i.title)).toEqual([]);
		const titles = data.map((i) => i.title.toLowerCase());
		expect(new Set(titles).size).toBe(titles.length);
	});

	it("issues: filter by signal, sort by users, compare before and after", async () => {
		await page.goto(`${BASE}/issues?signal=tool_failure`);
		await page.locator(".issues-table tbody tr").first().waitFor();
		const signals = await page.locator(".issues-table .issue-cell .hint").allInnerTexts();
		expect(signals.length).toBeGreaterThan(0);
		for (const s of signals) expect(s).toMatch(/tool failure/);
		await page.goto(`${BASE}/issues`);
		await page.getByRole("button", { name: /^Users/ }).click();
		await expect.poll(() => page.url()).toContain("sort=users");
		const users = (await page.locator(".issues-table tbody td[data-col='users']").allInnerTexts()).map(Number);
		expect(users.length).toBeGreaterThan(3);
		expect([...users].sort((a, b) => b - a)).toEqual(users);
		await shot(page, "issues");
	});

	it("issue: before/after shows each side's share of users as a percentage of at most 100", async () => {
		const list = await api<{ data: { id: string }[] }>("/api/issues?sort=users");
		await page.goto(`${BASE}/issues/${encodeURIComponent(list.data[0]!.id)}`);
		await page.getByRole("button", { name: "Compare" }).click();
		const sides = page.locator(".compare dd");
		await sides.first().waitFor();
		for (const text of (await sides.allInnerTexts()).slice(0, 2)) {
			const m = /^(\d+(?:\.\d)?)% \((\d+) of (\d+) users\)$/.exec(text.trim());
			expect(m, text).not.toBeNull();
			const [pct, affected, total] = [Number(m![1]), Number(m![2]), Number(m![3])];
			expect(pct).toBeLessThanOrEqual(100);
			expect(pct).toBeCloseTo(total ? (100 * affected) / total : 0, 0);
		}
		// Two models (the demo's old and new): each side's share of the users beside its share of all users.
		await page.getByLabel("two models").check();
		await page.getByLabel("Model A", { exact: true }).fill("assistant-2026-11");
		await page.getByLabel("Model B", { exact: true }).fill("assistant-2026-08");
		await page.getByRole("button", { name: "Compare" }).click();
		const bars = page.locator(".compare-baseline .baseline-bars li");
		await expect.poll(() => bars.count()).toBe(2);
		expect(await bars.locator(".baseline-label").allInnerTexts()).toEqual(["assistant-2026-11", "assistant-2026-08"]);
		for (const text of await bars.locator(".baseline-value").allInnerTexts()) expect(text).toMatch(/^\d+ users? · [\d.]+% vs [\d.]+% of all users/);
		expect(await page.locator(".compare-baseline .baseline-legend").innerText()).toMatch(/share of all users active \d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d/);
		await shot(page, "issue-compare");
	});

	it("conversation: every turn, the failing tool calls, signals per turn and the user's traits", async () => {
		const loops = await api<{ data: { id: string }[] }>("/api/issues?signal=tool_loop");
		await page.goto(`${BASE}/issues/${encodeURIComponent(loops.data[0]!.id)}`);
		await page.getByRole("link", { name: "conversation →" }).first().click();
		await page.locator(".conversation li").first().waitFor();
		expect(await page.locator(".conversation > li").count()).toBeGreaterThanOrEqual(2);
		expect(await page.locator(".tool-call.tool-error").count()).toBeGreaterThanOrEqual(1);
		expect(await page.locator(".conversation .badge").count()).toBeGreaterThanOrEqual(1);
		expect(await page.locator("aside").innerText()).toMatch(/plan/);
		await shot(page, "conversation");
	});

	it("intents: the intent × signal heat map, ranked by priority", async () => {
		await page.goto(`${BASE}/intents`);
		await page.locator(".heatmap tbody tr").first().waitFor();
		expect(await page.locator(".heatmap td.heat[style*='background']").count()).toBeGreaterThan(3);
		await shot(page, "intents");
	});

	it("intents: on a phone, scrolled sideways, every row keeps its intent's name in view", async () => {
		const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
		await phone.goto(`${BASE}/intents#key=${ADMIN}`);
		await phone.locator(".heatmap tbody tr").first().waitFor();
		const wrap = phone.locator(".table-wrap", { has: phone.locator(".heatmap") });
		expect(await wrap.evaluate((w) => w.scrollWidth - w.clientWidth)).toBeGreaterThan(100);
		await wrap.evaluate((w) => w.scrollTo({ left: w.scrollWidth }));
		const left = async (selector: string) => (await phone.locator(selector).first().boundingBox())!.x;
		const wrapLeft = (await wrap.boundingBox())!.x;
		expect(await left(".heatmap tbody th")).toBeLessThanOrEqual(wrapLeft + 2);
		expect(await left(".heatmap tbody td.heat")).toBeLessThan(wrapLeft - 50);
		await phone.close();
	});

	it("intents: merge one into another from its row", async () => {
		await page.goto(`${BASE}/intents`);
		const row = page.locator(".heatmap tbody tr").last();
		const source = new URL((await row.locator("th a").getAttribute("href"))!, BASE).searchParams.get("intent")!;
		const ids = async () => (await api<{ data: { id: string }[] }>("/api/intents")).data.map((i) => i.id);
		expect(await ids()).toContain(source);
		await row.getByRole("button", { name: "Edit" }).click();
		const select = row.getByLabel("Merge into");
		const into = (await select.locator("option").nth(1).getAttribute("value"))!;
		await select.selectOption(into);
		await row.getByRole("button", { name: "Merge" }).click();
		await expect.poll(ids).not.toContain(source);
		expect(await ids()).toContain(into);
	});

	it("search: by meaning finds calendar refusals worded differently", async () => {
		await page.goto(`${BASE}/search?q=${encodeURIComponent("assistant will not touch my schedule")}`);
		await page.locator(".event-row").first().waitFor();
		expect((await page.locator(".event-row").first().innerText()).toLowerCase()).toMatch(/calendar|schedul/);
		await shot(page, "search");
	});

	it("search: by words ranks every stored event holding them, best first, with its relevance", async () => {
		await page.goto(`${BASE}/search?mode=text&q=${encodeURIComponent("calendar -flight")}`);
		await page.locator(".event-row").first().waitFor();
		const first = await page.locator(".event-row").first().innerText();
		expect(first.toLowerCase()).toContain("calendar");
		expect(first).toMatch(/relevance \d/);
		expect(await page.locator(".hint").first().innerText()).toMatch(/events with these words, best first/);
	});

	it("search: pages past the first page with 'Show more', each result once, to a line saying that is all", async () => {
		await page.goto(`${BASE}/search?mode=text&q=calendar`);
		await page.locator(".event-row").first().waitFor();
		const first = await page.locator(".event-row").count();
		expect(first).toBe(50);
		await expect.poll(() => page.getByTestId("search-summary").innerText()).toMatch(/^Showing 50 of [\d,]+ events with these words, best first\./);
		// Each result links to its event: the hrefs say which events are on screen.
		const hrefs = () => page.locator(".search-result-head a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
		const firstPage = await hrefs();
		await page.getByTestId("show-more").click();
		await expect.poll(() => page.locator(".event-row").count()).toBeGreaterThan(50);
		const twoPages = await hrefs();
		expect(twoPages.slice(0, 50)).toEqual(firstPage);
		expect(new Set(twoPages).size).toBe(twoPages.length);
		// The head's parts are separate boxes: time, user, model and score do not run together.
		const head = page.locator(".search-result-head").first();
		const [time, user] = [head.locator(".time"), head.locator(".user")];
		expect((await user.boundingBox())!.x).toBeGreaterThan((await time.boundingBox())!.x + (await time.boundingBox())!.width + 3);
		// By meaning, the pages end at the ranking's depth and say so.
		await page.goto(`${BASE}/search?q=${encodeURIComponent("my calendar is not working")}`);
		await page.locator(".event-row").first().waitFor();
		for (let i = 0; i < 5 && (await page.getByTestId("show-more").count()) > 0; i++) {
			const before = await page.locator(".event-row").count();
			await page.getByTestId("show-more").click();
			await expect.poll(() => page.locator(".event-row").count()).toBeGreaterThan(before);
		}
		await expect.poll(() => page.getByTestId("list-end").innerText()).toMatch(/^That is all: all \d+ results shown\./);
		const meaning = await hrefs();
		expect(meaning.length).toBeGreaterThan(50);
		expect(new Set(meaning).size).toBe(meaning.length);
		await shot(page, "search-end");
	});

	it("conversation: a long one shows every turn, the rest with 'Show more turns'", async () => {
		const convo = `e2e_long_${Date.now()}`;
		const t0 = Date.now() - 2 * 3_600_000;
		const turns = Array.from({ length: 62 }, (_, i) => ({
			event_id: `${convo}_${String(i).padStart(2, "0")}`,
			user_id: "e2e_long_user",
			convo_id: convo,
			timestamp: new Date(t0 + i * 60_000).toISOString(),
			input: `Turn ${i}: what is the next step?`,
			output: `Step ${i + 1} comes next.`,
		}));
		for (let k = 0; k < turns.length; k += 20) {
			const res = await fetch(`${BASE}/v1/events`, {
				method: "POST",
				headers: { authorization: `Bearer ${WRITE}`, "content-type": "application/json" },
				body: JSON.stringify({ events: turns.slice(k, k + 20) }),
			});
			expect(res.status).toBe(202);
		}
		await expect
			.poll(async () => (await api<{ data?: { event_count: number } }>(`/api/conversations/${convo}`)).data?.event_count, { timeout: 120_000, interval: 1000 })
			.toBe(62);
		await page.goto(`${BASE}/conversations/${convo}`);
		await page.locator(".conversation > li").first().waitFor();
		expect(await page.locator(".conversation > li").count()).toBe(50);
		expect(await page.locator(".card h1").first().innerText()).toBe("62 turns");
		expect(await page.locator(".card").first().innerText()).toContain("Showing 50 of 62 turns.");
		// The user's last seen is their newest event (read from events): the last turn, 59 minutes before the posts.
		expect(await page.locator("aside.card").innerText()).toMatch(/Last seen\s+(5\d|60) minutes ago|Last seen\s+1 hour ago/);
		await page.getByTestId("show-more").click();
		await expect.poll(() => page.locator(".conversation > li").count()).toBe(62);
		expect(await page.getByTestId("list-end").innerText()).toBe("All 62 turns shown.");
		const texts = await page.locator(".conversation > li").allInnerTexts();
		expect(texts[0]).toContain("Turn 0:");
		expect(texts[61]).toContain("Turn 61:");
		// Ingest goes through the queue: on a loaded machine the 62 turns take a while to be stored.
	}, 180_000);

	it("settings: keys, and an alert rule created, tested and logged", async () => {
		await page.goto(`${BASE}/settings`);
		await page.getByRole("heading", { name: "API keys" }).waitFor();
		const rules = card("Alert rules");
		await rules.getByLabel("Destination URL").fill("https://hooks.slack.com/services/T000/B000/demo");
		await rules.getByRole("button", { name: "Create rule" }).click();
		await rules.locator(".rules li").first().waitFor();
		await rules.getByRole("button", { name: "Send test" }).click();
		await rules.getByText(/test: recorded/).waitFor();
		await rules.getByRole("button", { name: "Delivery log" }).click();
		await rules.locator(".delivery-log tr").first().waitFor();
		await expect.poll(() => rules.getByTestId("list-end").innerText()).toMatch(/^(All \d+ deliveries|The only delivery is) shown\.$/);
		await shot(page, "settings");
		// A daily brief: its hour replaces the throttle, and the list says when it goes out.
		await rules.getByLabel("When").selectOption("daily_brief");
		expect(await rules.getByLabel("Not again within (minutes)").count()).toBe(0);
		await rules.getByLabel("At (UTC)").selectOption("7");
		await rules.getByLabel("Destination URL").fill("https://hooks.slack.com/services/T000/B000/brief");
		await rules.getByRole("button", { name: "Create rule" }).click();
		await rules.locator(".rules li", { hasText: "Daily brief at 07:00 UTC → slack" }).waitFor();
		const created = (await api<{ data: Array<{ kind: string; brief_hour_utc?: number; name: string }> }>("/api/alerts/rules")).data.find(
			(r) => r.kind === "daily_brief",
		);
		expect(created).toMatchObject({ name: "Daily brief at 07:00 UTC", brief_hour_utc: 7 });
	});

	it("events: the live stream and an event with its evidence", async () => {
		await page.goto(`${BASE}/events`);
		await page.locator(".event-row").first().waitFor();
		await shot(page, "events");
		await page.locator(".event-row a").first().click();
		await page.getByText("Properties").first().waitFor();
		await shot(page, "event-detail");
	});

	it("works on a phone, in dark mode", async () => {
		const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
		const phoneErrors = watchErrors(phone);
		await phone.goto(`${BASE}/#key=${ADMIN}`);
		await phone.locator(".chart canvas").first().waitFor();
		const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(1);
		const bg = await phone.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
		expect(bg).not.toBe("rgb(247, 247, 249)");
		await phone.locator(".chart-marker-label").first().waitFor();
		expect(await markerLabelClashes(phone)).toEqual([]);
		await shot(phone, "overview-phone-dark");
		await phone.goto(`${BASE}/issues`);
		await phone.locator(".issues-table").waitFor();
		await shot(phone, "issues-phone-dark");
		await phone.close();
		expect(phoneErrors).toEqual([]);
	});

	it("every view, on a 1440 px screen and a 390 px phone: nothing overflows sideways, no form control is taller than its content, no page error", async () => {
		// Saves test-output/screenshots/tour-<view>-<desktop|phone>.png: look at them before closing a dashboard change.
		const checks = await tour(browser, BASE, ADMIN);
		expect(checks).toHaveLength(22);
		const problems = checks.filter((c) => c.overflowPx > 1 || c.tallControls.length > 0 || c.errors.length > 0);
		expect(problems, JSON.stringify(problems, null, 1)).toEqual([]);
	});
});
