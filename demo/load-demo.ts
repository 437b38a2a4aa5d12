import { generateDemo, type DemoTraffic } from "./demo-traffic";

export interface LoadOptions {
	url: string;
	writeKey: string;
	adminKey: string;
	seed?: number;
	users?: number;
	days?: number;
	log?: (line: string) => void;
}

async function call<T>(url: string, key: string, method: string, body?: unknown): Promise<T> {
	const res = await fetch(url, {
		method,
		headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const parsed = (await res.json().catch(() => ({}))) as T & { error?: { message: string } };
	if (!res.ok && res.status !== 207) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${res.status} ${parsed.error?.message ?? ""}`);
	return parsed;
}

async function sendInBatches(o: LoadOptions, path: string, list: string, items: unknown[]) {
	for (let i = 0; i < items.length; i += 100) {
		const r = await call<{ rejected?: number; results?: { status: string; errors?: unknown }[] }>(`${o.url}${path}`, o.writeKey, "POST", {
			[list]: items.slice(i, i + 100),
		});
		if (r.rejected) throw new Error(`${path}: ${r.rejected} rejected: ${JSON.stringify(r.results?.find((x) => x.status !== "accepted"))}`);
	}
}

/** Waits until the API can read `expected` events (the queue consumer has stored them). */
async function waitForEvents(o: LoadOptions, expected: number, from: string) {
	for (let i = 0; i < 600; i++) {
		const rates = await call<{ data: { days: { events?: number }[] } }>(`${o.url}/api/signals/rates?from=${from}`, o.adminKey, "GET");
		const stored = rates.data.days.reduce((n, d) => n + (d.events ?? 0), 0);
		if (stored >= expected) return;
		if (i % 10 === 0) o.log?.(`  stored ${stored} of ${expected} events…`);
		await new Promise((r) => setTimeout(r, 1000));
	}
	throw new Error("timed out waiting for the events to be stored");
}

const cron = (o: LoadOptions) => call(`${o.url}/__cron`, o.adminKey, "POST");

/**
 * Loads the demo month into a running instance: users, events, feedback; then the issue pass runs,
 * the date-bug issue is marked resolved (as the team did when prompt v12 shipped), and the bug
 * comes back on the new model, so the dashboard shows a regression too.
 */
export async function loadDemo(o: LoadOptions): Promise<DemoTraffic> {
	const log = o.log ?? (() => {});
	const now = Date.now();
	const demo = generateDemo({ seed: o.seed, users: o.users, days: o.days, now });
	const from = new Date(now - ((o.days ?? 30) + 1) * 86_400_000).toISOString().slice(0, 10);
	log(`Loading ${demo.events.length} events from ${demo.users.length} users over ${o.days ?? 30} days into ${o.url}…`);
	for (const u of demo.users) await call(`${o.url}/v1/users/identify`, o.writeKey, "POST", u);
	await sendInBatches(o, "/v1/events", "events", demo.events);
	await sendInBatches(o, "/v1/signals", "signals", demo.signals);
	await waitForEvents(o, demo.events.length, from);
	await cron(o);
	await cron(o);
	const issues = await call<{ data: { id: string; signal: string; title: string }[] }>(`${o.url}/api/issues?from=${from}&signal=wrong_date`, o.adminKey, "GET");
	for (const issue of issues.data) {
		await call(`${o.url}/api/issues/${issue.id}/state`, o.adminKey, "POST", { state: "resolved", reason: "fixed by prompt v12" });
	}
	await new Promise((r) => setTimeout(r, 50));
	await sendInBatches(
		o,
		"/v1/events",
		"events",
		demo.regression.map((e, i) => ({ ...e, timestamp: Date.now() + i })),
	);
	await waitForEvents(o, demo.events.length + demo.regression.length, from);
	await cron(o);
	const final = await call<{ data: { title: string; state: string; window_users: number; signal: string }[] }>(
		`${o.url}/api/issues?from=${from}`,
		o.adminKey,
		"GET",
	);
	log(`${final.data.length} issues:`);
	for (const i of final.data.slice(0, 12)) log(`  [${i.state}] ${i.signal}: ${i.title} (${i.window_users} users)`);
	return demo;
}
