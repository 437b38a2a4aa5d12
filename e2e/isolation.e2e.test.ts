import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type RunningSystem, startSystem } from "./start-system";

// Two instances of their own beside the shared one (issue 21: through one dev registry, a second
// instance's detect worker consumed the first one's queue and stored its events in the wrong database).
const STATES = [".wrangler/e2e-isolation-a", ".wrangler/e2e-isolation-b"] as const;
const WRITE = "bm_write_localdev00000000000000000000";
const ADMIN = "bm_admin_localdev00000000000000000000";
const EVENTS = 40;

const systems: RunningSystem[] = [];
afterAll(async () => {
	for (const s of systems) s.kill("SIGTERM");
	await Promise.all(systems.map((s) => s.exited));
	for (const state of STATES) rmSync(state, { recursive: true, force: true });
});

/** The event ids an instance stored for a user, all pages. */
async function storedIds(base: string, user: string): Promise<string[]> {
	const ids: string[] = [];
	let cursor: string | null = null;
	do {
		const res = await fetch(`${base}/api/events?user_id=${user}&limit=100${cursor ? `&cursor=${cursor}` : ""}`, {
			headers: { authorization: `Bearer ${ADMIN}` },
		});
		const body = (await res.json()) as { data: { event_id: string }[]; next_cursor: string | null };
		ids.push(...body.data.map((e) => e.event_id));
		cursor = body.next_cursor;
	} while (cursor);
	return ids.sort();
}

async function send(base: string, tag: string): Promise<string[]> {
	const ids = Array.from({ length: EVENTS }, (_, i) => `iso_${tag}_${i}`);
	for (let k = 0; k < ids.length; k += 10) {
		const events = ids.slice(k, k + 10).map((event_id, i) => ({
			event_id,
			user_id: `iso_user_${tag}`,
			convo_id: `iso_c_${tag}_${k}`,
			input: `question ${k + i} for ${tag}`,
			output: "an answer",
		}));
		const res = await fetch(`${base}/v1/events`, {
			method: "POST",
			headers: { authorization: `Bearer ${WRITE}`, "content-type": "application/json" },
			body: JSON.stringify({ events }),
		});
		expect(res.status).toBe(202);
	}
	return ids.sort();
}

describe("two npm start on one machine", () => {
	it("each instance stores only the events it was sent, none of the other's; one exiting leaves the other's dev registry (in its state directory) and its storing as they were", {
		timeout: 600_000,
	}, async () => {
		for (const state of STATES) rmSync(state, { recursive: true, force: true });
		// Started together, as two people (or a test run beside a dev server) would.
		systems.push(...(await Promise.all(STATES.map((state) => startSystem(state)))));
		const [a, b] = systems as [RunningSystem, RunningSystem];
		const [sentA, sentB] = await Promise.all([send(a.base, "a"), send(b.base, "b")]);

		await vi.waitFor(async () => expect(await storedIds(a.base, "iso_user_a")).toEqual(sentA), { timeout: 120_000, interval: 1000 });
		await vi.waitFor(async () => expect(await storedIds(b.base, "iso_user_b")).toEqual(sentB), { timeout: 120_000, interval: 1000 });
		// Both queues drained into their own database: nothing of one ever reaches the other.
		expect(await storedIds(a.base, "iso_user_b")).toEqual([]);
		expect(await storedIds(b.base, "iso_user_a")).toEqual([]);

		// One exiting leaves the other's dev registry as it was (a shared one lost the entries of
		// every worker name the two had in common), and the other goes on storing.
		const registry = () => (existsSync(join(STATES[1], "dev-registry")) ? readdirSync(join(STATES[1], "dev-registry")).sort() : []);
		const before = registry();
		expect(before).toContain("barometer-detect");
		a.kill("SIGTERM");
		await a.exited;
		expect(registry()).toEqual(before);
		const more = await send(b.base, "b2");
		await vi.waitFor(async () => expect(await storedIds(b.base, "iso_user_b2")).toEqual(more), { timeout: 120_000, interval: 1000 });
	});
});
