// `npm run bench:dashboard [-- URL]`: how the dashboard looks and loads, in Debian's Chromium, against
// a running instance (`npm start`, then `npm run demo` for data).
// - Five loads of the overview: first contentful paint, and the time until its first chart is drawn.
// - Every view at 1440 px and on a 390 px phone: which overflow sideways, which draw a form control
//   taller than its content (screenshots in test-output/screenshots/tour-*.png).
// The last line is one JSON object with the medians and the counts.
import { launch } from "../e2e/browser";
import { TOUR, tour } from "../e2e/view-tour";

const base = process.argv[2] ?? process.env.BAROMETER_URL ?? "http://localhost:8787";
const key = process.env.BAROMETER_ADMIN_KEY ?? "bm_admin_localdev00000000000000000000";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const browser = await launch();
try {
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	await page.goto(`${base}/#key=${key}`);
	await page.locator(".chart canvas").first().waitFor();
	const loads: { fcp_ms: number; first_chart_ms: number }[] = [];
	for (let i = 0; i < 5; i++) {
		await page.goto(`${base}/`);
		await page.locator(".chart canvas").first().waitFor();
		// Both measured from the navigation's start, in the page's own clock.
		const [fcp, chart] = (await page.evaluate("[performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN, performance.now()]")) as [
			number,
			number,
		];
		loads.push({ fcp_ms: Math.round(fcp), first_chart_ms: Math.round(chart) });
	}
	await page.close();
	console.table(loads);

	const checks = await tour(browser, base, key);
	console.table(checks.map((c) => ({ view: c.view, size: c.size, overflow_px: c.overflowPx, tall_controls: c.tallControls.length, errors: c.errors.length })));
	const phone = checks.filter((c) => c.size === "phone");
	console.log(
		JSON.stringify({
			first_paint_ms: median(loads.map((l) => l.fcp_ms)),
			first_chart_ms: median(loads.map((l) => l.first_chart_ms)),
			views: TOUR.length,
			phone_views_without_overflow: phone.filter((c) => c.overflowPx <= 1).length,
			views_with_tall_controls: checks.filter((c) => c.tallControls.length > 0).length,
		}),
	);
} finally {
	await browser.close();
}
