import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium (apt-get install chromium); .ci/run installs it. Downloading a browser is not possible here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = "test-output/screenshots";

export async function launch(): Promise<Browser> {
	mkdirSync(SCREENSHOTS, { recursive: true });
	return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

/** Fails the test on any uncaught page error or console error, so a broken view cannot pass. */
export function watchErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
	page.on("console", (m) => {
		if (m.type() === "error") errors.push(`console: ${m.text()}`);
	});
	return errors;
}

/** A full-page screenshot taken from the top, so the sticky top bar is not drawn over the middle of the page. */
export async function shot(page: Page, name: string): Promise<void> {
	await page.evaluate("scrollTo(0, 0)");
	await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** The local project's admin key (scripts/local-project.mjs), which the end-to-end system signs in with. */
export const LOCAL_ADMIN_KEY = "bm_admin_localdev00000000000000000000";

/**
 * A browser with one desktop-sized page signed in to the dashboard at `base` (the link `npm start`
 * prints: the key in the fragment signs in once), and the page's errors as `watchErrors` collects them.
 */
export async function signedInPage(base: string, key = LOCAL_ADMIN_KEY): Promise<{ browser: Browser; page: Page; errors: string[] }> {
	const browser = await launch();
	const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	const errors = watchErrors(page);
	await page.goto(`${base}/#key=${key}`);
	return { browser, page, errors };
}
