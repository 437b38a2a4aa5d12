import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { shot, watchErrors } from "./browser";

/** Every view of the dashboard, reached the way a user reaches it, on an instance with the demo loaded. */
export interface TourView {
	name: string;
	/** Opens the view on `page` (already signed in) and waits until its content is drawn. */
	open: (page: Page, base: string) => Promise<void>;
}

export const DESKTOP = { width: 1440, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

const firstHref = async (page: Page, selector: string) => {
	await page.locator(selector).first().waitFor();
	return (await page.locator(selector).first().getAttribute("href"))!;
};

export const TOUR: TourView[] = [
	{
		name: "overview",
		open: async (page, base) => {
			await page.goto(`${base}/`);
			await page.locator(".chart canvas").first().waitFor();
		},
	},
	{
		name: "issues",
		open: async (page, base) => {
			await page.goto(`${base}/issues`);
			await page.locator(".issues-table tbody tr").first().waitFor();
		},
	},
	{
		name: "issue",
		open: async (page, base) => {
			await page.goto(`${base}/issues`);
			await page.goto(`${base}${await firstHref(page, ".issues-table tbody a[href^='/issues/']")}`);
			await page.locator(".chart canvas").first().waitFor();
			await page.locator(".example").first().waitFor();
		},
	},
	{
		name: "intents",
		open: async (page, base) => {
			await page.goto(`${base}/intents`);
			await page.locator(".heatmap tbody tr").first().waitFor();
		},
	},
	{
		name: "events",
		open: async (page, base) => {
			await page.goto(`${base}/events`);
			await page.locator(".event-row").first().waitFor();
		},
	},
	{
		name: "event",
		open: async (page, base) => {
			await page.goto(`${base}/events`);
			await page.goto(`${base}${await firstHref(page, ".event-row a[href^='/events/']")}`);
			await page.getByText("Properties").first().waitFor();
		},
	},
	{
		name: "conversation",
		open: async (page, base) => {
			await page.goto(`${base}/issues`);
			await page.goto(`${base}${await firstHref(page, ".issues-table tbody a[href^='/issues/']")}`);
			await page.goto(`${base}${await firstHref(page, ".example a[href^='/conversations/']")}`);
			await page.locator("ol.conversation li").first().waitFor();
		},
	},
	{
		name: "search",
		open: async (page, base) => {
			await page.goto(`${base}/search?q=${encodeURIComponent("calendar")}`);
			await page.locator(".event-row").first().waitFor();
		},
	},
	{
		name: "deep-searches",
		open: async (page, base) => {
			await page.goto(`${base}/deep-searches`);
			await page.getByRole("heading", { name: "Deep search" }).first().waitFor();
		},
	},
	{
		name: "ask",
		open: async (page, base) => {
			await page.goto(`${base}/ask`);
			// Offline (npm start) the panel explains how to ask through MCP; with Workers AI it shows the question box.
			await page.locator(".ask-offline, .ask-form").first().waitFor();
		},
	},
	{
		name: "settings",
		open: async (page, base) => {
			await page.goto(`${base}/settings`);
			await page.locator("form.rule-form").waitFor();
		},
	},
];

export interface ViewCheck {
	view: string;
	size: "desktop" | "phone";
	/** How far the page scrolls sideways past the viewport, in CSS px (0 when it fits). */
	overflowPx: number;
	/** Form controls drawn taller than their content needs (label, text and padding), described. */
	tallControls: string[];
	/** Elements wider than the viewport that make it overflow, described (empty when it fits). */
	wideElements: string[];
	/** Uncaught page errors and console errors while the view opened. */
	errors: string[];
}

/**
 * Runs in the page. Kept as a plain script file: tsx and vitest wrap named arrow functions in a helper
 * (`__name`) that does not exist in the page, so a function passed to `evaluate` would throw there.
 */
const MEASURE = readFileSync(new URL("./measure-view.js", import.meta.url), "utf8");

/** Measures one view as drawn: horizontal overflow and form controls taller than their content. */
export async function checkView(page: Page, view: string, size: ViewCheck["size"]): Promise<ViewCheck> {
	const measured = (await page.evaluate(MEASURE)) as Omit<ViewCheck, "view" | "size">;
	return { view, size, ...measured, errors: [] };
}

/** Opens every view at desktop and phone size (the phone in dark mode), saves a full-page screenshot of each, and measures it. */
export async function tour(browser: Browser, base: string, key: string, views: TourView[] = TOUR): Promise<ViewCheck[]> {
	const checks: ViewCheck[] = [];
	for (const [size, viewport] of [
		["desktop", DESKTOP],
		["phone", PHONE],
	] as const) {
		const page = await browser.newPage({ viewport, colorScheme: size === "phone" ? "dark" : "light" });
		try {
			const errors = watchErrors(page);
			await page.goto(`${base}/#key=${key}`);
			await page.locator(".topbar").waitFor();
			for (const view of views) {
				await view.open(page, base);
				// Nothing still loading and no failed load: the screenshot shows the view as a user sees it settle.
				await page.locator(".spinner").first().waitFor({ state: "detached" });
				if (await page.locator(".state-error").count()) errors.push(`${view.name}: ${await page.locator(".state-error").first().innerText()}`);
				checks.push({ ...(await checkView(page, view.name, size)), errors: errors.splice(0) });
				await shot(page, `tour-${view.name}-${size}`);
			}
		} finally {
			await page.close();
		}
	}
	return checks;
}
