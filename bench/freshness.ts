// Freshness (issue 20): from `POST /v1/events` until the event, its detections, and its issue's counts are
// visible through the API, for one probe at a time, idle and while other traffic arrives. Used by
// bench/drain-scale.ts on a running system (its D1 file is read to find the probe topic's issue).
import { spawnSync } from "node:child_process";
import { post } from "./bench-traffic";
import { sleep } from "./wrangler-dev";

export interface FreshnessResult {
	probes: number;
	/** Milliseconds from the POST's start: the event readable, with its detections, and counted in its issue. */
	eventMs: number[];
	detectionsMs: number[];
	issueMs: number[];
}

interface Keys {
	write: string;
	read: string;
}

const probeEvent = (id: string) => ({
	event_id: id,
	user_id: `${id}_user`,
	convo_id: `${id}_convo`,
	event: "chat_message",
	model: "gpt-4o",
	input: "Can you check what is left in my smart fridge?",
	output: "I'm sorry, but I can't access your smart fridge or any connected appliances.",
});

async function get<T>(base: string, key: string, path: string): Promise<{ status: number; body: T }> {
	const res = await fetch(base + path, { headers: { authorization: `Bearer ${key}` } });
	return { status: res.status, body: (await res.json()) as T };
}

async function until<T>(what: string, poll: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const found = await poll();
		if (found !== undefined) return found;
		if (Date.now() > end) throw new Error(`freshness: ${what} not visible after ${timeoutMs} ms`);
		await sleep(20);
	}
}

const issueUsers = async (base: string, keys: Keys, issueId: string) =>
	(await get<{ data: { users: number } }>(base, keys.read, `/api/issues/${issueId}`)).body.data.users;

/**
 * The probe topic's issue, made by a few probes first (an issue needs MIN_ISSUE_SIZE events): read from the
 * database file, since the API has no event-to-issue lookup.
 */
async function probeIssue(base: string, keys: Keys, dbFile: string, prefix: string): Promise<string> {
	const ids = Array.from({ length: 4 }, (_, i) => `${prefix}_seed_${i}`);
	await post(base, ids.map(probeEvent), keys.write);
	return until("the probe topic's issue", async () => {
		const out = spawnSync("sqlite3", [dbFile, `SELECT issue_id FROM issue_events WHERE event_id IN (${ids.map((i) => `'${i}'`).join(",")}) LIMIT 1`], {
			encoding: "utf8",
		});
		return out.stdout.trim() || undefined;
	});
}

/** `probes` probes one after another; `background` runs alongside (and is awaited) when given. */
export async function freshness(base: string, keys: Keys, dbFile: string, prefix: string, probes: number): Promise<FreshnessResult> {
	const issueId = await probeIssue(base, keys, dbFile, prefix);
	const result: FreshnessResult = { probes, eventMs: [], detectionsMs: [], issueMs: [] };
	for (let i = 0; i < probes; i++) {
		const id = `${prefix}_${i}`;
		const before = await issueUsers(base, keys, issueId);
		const start = performance.now();
		await post(base, [probeEvent(id)], keys.write);
		let detections = 0;
		await until(`event ${id}`, async () => {
			const { status, body } = await get<{ data?: { detections: unknown[] } }>(base, keys.read, `/api/events/${id}`);
			if (status !== 200) return undefined;
			detections = body.data?.detections.length ?? 0;
			return true;
		});
		result.eventMs.push(performance.now() - start);
		// Detections are written in the event's own batch: they are there when it is, or the probe says so.
		if (detections === 0)
			await until(`detections of ${id}`, async () => {
				const { body } = await get<{ data: { detections: unknown[] } }>(base, keys.read, `/api/events/${id}`);
				return body.data.detections.length > 0 ? true : undefined;
			});
		result.detectionsMs.push(performance.now() - start);
		await until(`issue counts of ${id}`, async () => ((await issueUsers(base, keys, issueId)) > before ? true : undefined));
		result.issueMs.push(performance.now() - start);
	}
	return result;
}
