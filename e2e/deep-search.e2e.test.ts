import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { launch, shot, watchErrors } from "./browser";
import { countEvents } from "./event-counts";
import { checkView } from "./view-tour";

const BASE = inject("e2eBaseUrl");
const ADMIN = "bm_admin_localdev00000000000000000000";
const WRITE = "bm_write_localdev00000000000000000000";
const USER = "ds_e2e_traveller";
const DEFINITION = "The assistant refuses to book a hotel room because the guest is travelling with a dog or another pet.";

// A clear matching subset: pet-friendly bookings the assistant turns down, among ordinary bookings
// it makes and pet questions it answers. Sent through the real ingest, like an app would.
const CITIES = ["Lisbon", "Berlin", "Kyoto", "Denver", "Oslo", "Seville", "Quebec", "Porto", "Vienna", "Austin", "Dublin", "Prague"];
const MATCHES = CITIES.map((city, i) => ({
	input: `Please book me a hotel room in ${city} for ${i + 2} nights, I'm travelling with my ${i % 2 ? "cat" : "dog"}.`,
	output: `I'm sorry, I can't book hotel rooms for guests travelling with pets. ${i % 3 ? "You'll need to call the hotel yourself." : "Pets are outside what I can arrange."}`,
}));
const NON_MATCHES = [
	...CITIES.map((city, i) => ({
		input: `Book a hotel room in ${city} for ${i + 1} nights near the old town.`,
		output: `Done: I booked a double room in ${city} for ${i + 1} nights, breakfast included. Your confirmation number is BK${1000 + i}.`,
	})),
	...CITIES.slice(0, 8).map((city) => ({
		input: `What should I pack for my dog on a trip to ${city}?`,
		output: "Bring food for the whole trip, a lead, a water bowl, poo bags and a copy of the vaccination record.",
	})),
];
/** Far from the definition in every way: labelled a match, it makes the search ask what the definition means. */
const OFF_TOPIC = { input: "Translate 'good morning' into Finnish.", output: "Hyvää huomenta." };
const SEEDED = [...MATCHES.map((e) => ({ ...e, match: true })), ...NON_MATCHES.map((e) => ({ ...e, match: false })), { ...OFF_TOPIC, match: false }].map(
	(e, i) => ({ ...e, event_id: `ds_e2e_${i}` }),
);
const OFF_TOPIC_ID = SEEDED.at(-1)!.event_id;
const truth = new Map(SEEDED.map((e) => [e.event_id, e.match]));

let browser: Browser;
let page: Page;
let errors: string[];
let searchId = "";

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> =>
	(
		await fetch(`${BASE}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json", ...init.headers } })
	).json() as Promise<T>;

beforeAll(async () => {
	for (let k = 0; k < SEEDED.length; k += 10) {
		const events = SEEDED.slice(k, k + 10).map(({ event_id, input, output }) => ({ event_id, user_id: USER, convo_id: `ds_e2e_c_${event_id}`, input, output }));
		const res = await fetch(`${BASE}/v1/events`, {
			method: "POST",
			headers: { authorization: `Bearer ${WRITE}`, "content-type": "application/json" },
			body: JSON.stringify({ events }),
		});
		expect(res.status).toBe(202);
	}
	await vi.waitFor(async () => expect(await countEvents(BASE, ADMIN, USER)).toBe(SEEDED.length), { timeout: 120_000, interval: 1000 });
	// Deep search reads events by their vectors, which the consumer stores just after the events.
	// Each seeded event is found by meaning from its own words once its vectors are stored (a count under a
	// user filter would not do: the filter applies after the nearest events of the whole project are taken).
	const waiting = new Set(SEEDED.map((e) => e.event_id));
	await vi.waitFor(
		async () => {
			for (const e of SEEDED.filter((e) => waiting.has(e.event_id))) {
				const q = encodeURIComponent(e.input);
				const { data } = await api<{ data: { event_id: string }[] }>(`/api/events/search?mode=meaning&user_id=${USER}&limit=20&q=${q}`);
				if (data.some((d) => d.event_id === e.event_id)) waiting.delete(e.event_id);
			}
			expect([...waiting]).toEqual([]);
		},
		{ timeout: 90_000, interval: 1000 },
	);
	browser = await launch();
	page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	errors = watchErrors(page);
	await page.goto(`${BASE}/#key=${ADMIN}`);
	await page.getByRole("heading", { name: "Overview" }).waitFor();
}, 180_000);

afterAll(async () => {
	await browser?.close();
});

afterEach(() => {
	expect(errors).toEqual([]);
});

/** Labels every candidate of the shown round by what was seeded (any other event does not match), then submits it. */
async function labelRound(): Promise<string[]> {
	const cards = page.locator(".candidate");
	await cards.first().waitFor();
	const ids = await cards.evaluateAll((els) => els.map((el) => el.getAttribute("data-event")!));
	for (const [i, id] of ids.entries()) {
		await cards
			.nth(i)
			.getByRole("button", { name: truth.get(id) ? "Matches" : "Doesn't match" })
			.click();
	}
	const labelsBefore = await page.locator(".stat", { hasText: "Labels" }).locator(".stat-value").innerText();
	await page.getByRole("button", { name: `Submit ${ids.length} label${ids.length === 1 ? "" : "s"}` }).click();
	await expect.poll(() => page.locator(".stat", { hasText: "Labels" }).locator(".stat-value").innerText(), { timeout: 30_000 }).not.toBe(labelsBefore);
	return ids;
}

describe("deep search in a real browser: describe, label, calibrate, save", () => {
	it("the form shows the API's field error inline when the definition is empty", async () => {
		await page.getByRole("link", { name: "Deep search" }).click();
		await page.getByRole("heading", { name: "Deep search", exact: true }).waitFor();
		await page.getByRole("button", { name: "Find candidates" }).click();
		const error = page.locator(".deep-search-form .field-error").first();
		await error.waitFor();
		expect(await error.innerText()).toMatch(/definition is empty/i);
		expect(await page.getByLabel("What are you looking for?").getAttribute("aria-invalid")).toBe("true");
		await shot(page, "deep-search-form-error");
		await page.getByLabel("What are you looking for?").fill("x".repeat(2001));
		await page.getByRole("button", { name: "Find candidates" }).click();
		await expect.poll(() => error.innerText()).toMatch(/definition is longer than 2000 characters/i);
		// The browser logs the refused request itself; that 400 is this test's point.
		await page.waitForTimeout(200);
		errors.splice(0, errors.length, ...errors.filter((e) => !/status of 400/.test(e)));
	});

	it("a definition in words finds candidates: each with its input, output, verdict, score and reason", async () => {
		await page.getByLabel("What are you looking for?").fill(DEFINITION);
		await page.getByRole("button", { name: "Find candidates" }).click();
		await page.getByRole("heading", { name: "Label the next round" }).waitFor({ timeout: 60_000 });
		searchId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
		expect(searchId).toMatch(/^ds/);
		expect(await page.locator("blockquote.definition").innerText()).toBe(DEFINITION);
		const first = page.locator(".candidate").first();
		expect(await first.locator(".verdict-score").innerText()).toMatch(/score \d\.\d\d/);
		expect((await first.locator(".verdict-reason").innerText()).length).toBeGreaterThan(5);
		expect(await first.locator(".turn-user").innerText()).not.toBe("");
		expect(Number(await page.locator(".stat", { hasText: "Pool" }).locator(".stat-value").innerText())).toBeGreaterThan(0);
		await page.locator(".history-table").waitFor();
		await shot(page, "deep-search-round");
	});

	it("labelling a round refits: the next round shows other candidates, and the calibration curve appears", async () => {
		const labelled = new Set<string>();
		for (let round = 0; round < 4; round++) {
			for (const id of await labelRound()) labelled.add(id);
			if ((await page.locator(".calibration canvas").count()) > 0 && round > 0) break;
		}
		const next = await page.locator(".candidate").evaluateAll((els) => els.map((el) => el.getAttribute("data-event")!));
		for (const id of next) expect(labelled.has(id)).toBe(false);
		await page.locator(".calibration canvas").first().waitFor();
		const { data } = await api<{ data: { labels: { total: number }; calibration: { points: unknown[] } } }>(`/api/deep-searches/${searchId}`);
		expect(data.labels.total).toBe(labelled.size);
		expect(data.calibration.points.length).toBeGreaterThan(1);
		await shot(page, "deep-search-next-round");
		await page.locator(".calibration").scrollIntoViewIfNeeded();
		await page.locator(".calibration").screenshot({ path: "test-output/screenshots/deep-search-curve.png" });
	});

	it("moving the operating point on the curve changes the search's threshold", async () => {
		const before = (await api<{ data: { threshold: number; version: number } }>(`/api/deep-searches/${searchId}`)).data;
		const slider = page.getByRole("slider", { name: "Match threshold" });
		await slider.fill(before.threshold >= 0.5 ? "0.3" : "0.8");
		const picked = Number((await page.locator(".threshold-slider strong").innerText()).trim());
		expect(picked).not.toBe(before.threshold);
		await page.getByRole("button", { name: `Use threshold ${picked.toFixed(2)}` }).click();
		await expect.poll(async () => (await api<{ data: { threshold: number } }>(`/api/deep-searches/${searchId}`)).data.threshold).toBe(picked);
		await expect.poll(() => page.locator(".stat", { hasText: "Predicted matches" }).locator(".stat-hint").innerText()).toContain(picked.toFixed(2));
		await page.locator(".calibration").screenshot({ path: "test-output/screenshots/deep-search-operating-point.png" });
	});

	it("saving as a signal: a bad name is refused inline, a good one saves, and the backfill shows its progress", async () => {
		const name = page.getByRole("textbox", { name: "Signal name" });
		await name.fill("Pet Refusals");
		await page.getByRole("button", { name: "Save as signal" }).click();
		expect(await page.locator(".save-card .field-error").innerText()).toMatch(/lowercase letters, digits or _/);
		await name.fill("pet_booking_refusal");
		await page.getByRole("button", { name: "Save as signal" }).click();
		await page.locator(".signal-name", { hasText: "pet_booking_refusal" }).waitFor();
		expect(await page.getByRole("link", { name: "Issues of this signal →" }).getAttribute("href")).toBe("/issues?signal=pet_booking_refusal");
		const { data } = await api<{ data: { state: string; signal: { name: string; job_id: string | null } } }>(`/api/deep-searches/${searchId}`);
		expect(data.state).toBe("saved");
		expect(data.signal.job_id).toMatch(/^job/);
		const job = page.locator(".save-card .job");
		await job.waitFor();
		await shot(page, "deep-search-saved");
		// The backfill moves a slice per cron tick; locally the dev gateway's /__cron is the tick.
		await vi.waitFor(
			async () => {
				await fetch(`${BASE}/__cron`, { method: "POST" });
				expect(await job.getAttribute("data-state")).toBe("done");
			},
			{ timeout: 120_000, interval: 3000 },
		);
		expect(await job.innerText()).toMatch(/Done: [\d,]+ (of [\d,]+ )?events scored/);
		await job.scrollIntoViewIfNeeded();
		await page.locator(".save-card").screenshot({ path: "test-output/screenshots/deep-search-backfill-done.png" });
	});

	it("the history lists each refit, the operating point and the save", async () => {
		const rows = page.locator(".history-table tbody tr");
		await expect.poll(() => rows.first().innerText()).toMatch(/saved as signal/);
		const text = (await rows.allInnerTexts()).join("\n");
		expect(text).toMatch(/operating point/);
		expect(text).toMatch(/labels, refit/);
		// The pool, best first, as the saved detector scores it: the seeded refusals come before the rest.
		await page.getByText("What it finds in the pool").click();
		const pool = page.locator(".pool-list li");
		await pool.first().waitFor();
		expect(await pool.count()).toBeGreaterThan(5);
		expect(await pool.first().innerText()).toMatch(/travelling with my (dog|cat)/);
		await page.goto(`${BASE}/deep-searches`);
		const row = page.locator(".deep-search-table tbody tr", { hasText: DEFINITION.slice(0, 60) });
		expect(await row.innerText()).toMatch(/saved[\s\S]*pet_booking_refusal/i);
		await shot(page, "deep-search-list");
	});

	it("labelling after saving marks the signal changed since; making the new version live saves it under the same name", async () => {
		await page.goto(`${BASE}/deep-searches/${encodeURIComponent(searchId)}`);
		await labelRound();
		await page.locator(".state-badge", { hasText: /changed since/i }).waitFor();
		const before = (await api<{ data: { signal: { saved_version: number } } }>(`/api/deep-searches/${searchId}`)).data.signal.saved_version;
		expect(await page.getByRole("textbox", { name: "Signal name" }).isDisabled()).toBe(true);
		await page.getByRole("button", { name: "Make this version live" }).click();
		await page.locator(".deep-search-title .state-badge", { hasText: /^saved$/i }).waitFor();
		const { data } = await api<{ data: { version: number; signal: { name: string; saved_version: number } } }>(`/api/deep-searches/${searchId}`);
		expect(data.signal.name).toBe("pet_booking_refusal");
		expect(data.signal.saved_version).toBeGreaterThan(before);
		expect(data.signal.saved_version).toBe(data.version);
		expect(await page.locator(".saved-signal").innerText()).toContain(`version ${data.version}.`);
	});

	it("on a phone, in dark mode, the detail page fits the width", async () => {
		const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, colorScheme: "dark" });
		const phoneErrors = watchErrors(phone);
		await phone.goto(`${BASE}/deep-searches/${encodeURIComponent(searchId)}#key=${ADMIN}`);
		await phone.locator(".calibration canvas").first().waitFor();
		await phone.locator(".history-table").waitFor();
		const check = await checkView(phone, "deep-search", "phone");
		expect(check.overflowPx, check.wideElements.join("; ")).toBeLessThanOrEqual(1);
		expect(check.tallControls).toEqual([]);
		await phone.locator(".save-card .job").waitFor();
		await shot(phone, "deep-search-phone-dark");
		await phone.close();
		expect(phoneErrors).toEqual([]);
	});

	it("with a read key the page is read-only, and says so", async () => {
		const created = await api<{ data: { key: string } }>("/api/project/keys", {
			method: "POST",
			body: JSON.stringify({ kind: "read", name: "deep search e2e" }),
		});
		const reader = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		const readerErrors = watchErrors(reader);
		await reader.goto(`${BASE}/deep-searches/${encodeURIComponent(searchId)}#key=${created.data.key}`);
		await reader.getByText("Signed in with a read key").waitFor();
		await reader.locator(".calibration canvas").first().waitFor();
		expect(await reader.getByRole("button", { name: "Matches" }).count()).toBe(0);
		expect(await reader.getByRole("slider", { name: "Match threshold" }).isDisabled()).toBe(true);
		await reader.locator(".history-table").waitFor();
		await shot(reader, "deep-search-read-only");
		await reader.goto(`${BASE}/deep-searches`);
		await reader.getByText("Signed in with a read key").waitFor();
		expect(await reader.getByRole("button", { name: "Find candidates" }).count()).toBe(0);
		await reader.close();
		expect(readerErrors).toEqual([]);
	});

	it("labels that contradict the definition bring a clarifying question, shown with the two events", async () => {
		// Started with examples (as the CLI can): an off-topic event said to match, an ordinary booking said not to.
		const booking = SEEDED.find((e) => !e.match && e.input.startsWith("Book a hotel room"))!;
		const res = await fetch(`${BASE}/api/deep-searches`, {
			method: "POST",
			headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
			body: JSON.stringify({
				definition: DEFINITION,
				examples: [
					{ event_id: OFF_TOPIC_ID, match: true },
					{ event_id: booking.event_id, match: false },
				],
			}),
		});
		expect(res.status).toBe(201);
		const { data } = (await res.json()) as { data: { id: string; question: { match_id: string; non_match_id: string } | null } };
		expect(data.question).toMatchObject({ match_id: OFF_TOPIC_ID, non_match_id: booking.event_id });
		await page.goto(`${BASE}/deep-searches/${encodeURIComponent(data.id)}`);
		const card = page.locator(".question-card");
		await card.locator(".question-event").nth(1).locator(".turn-user").waitFor();
		expect(await card.locator(".question").innerText()).toMatch(/not a match/);
		expect(await card.locator(".question-event.labelled-match").innerText()).toContain("good morning");
		expect(await card.locator(".question-event.labelled-non-match").innerText()).toContain(booking.input);
		await shot(page, "deep-search-question");
	});
});
