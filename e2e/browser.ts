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
