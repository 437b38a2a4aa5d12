// `npm run bench:dashboard [-- URL]`: how fast the dashboard's overview paints, in Debian's Chromium,
// against a running instance (`npm start`, then `npm run demo` for data). Five loads: first
// contentful paint, and the time until its first chart is drawn.
import { chromium } from "playwright-core";

const base = process.argv[2] ?? "http://localhost:8787";
const key = process.env.BAROMETER_ADMIN_KEY ?? "bm_admin_localdev00000000000000000000";
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage();
await page.goto(`${base}/#key=${key}`);
await page.locator(".chart canvas").first().waitFor();
const rows = [];
for (let i = 0; i < 5; i++) {
	const start = Date.now();
	await page.goto(`${base}/`);
	await page.locator(".chart canvas").first().waitFor();
	const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
	rows.push({ fcp_ms: Math.round(fcp), charts_ms: Date.now() - start });
}
await browser.close();
console.table(rows);
