import { bearer, pool, send } from "./soak-client";

/**
 * Whether acknowledged events are stored exactly once, read back through the read API: each soak
 * user's events are listed page by page (every id counted), and an expected id that the listing did
 * not show is asked for by id, so a paging gap is told apart from a loss.
 */
export interface StoredCheck {
	expected: number;
	found: number;
	lost: string[];
	duplicated: string[];
}

async function listUser(base: string, readKey: () => string, user: string, seen: Map<string, number>): Promise<void> {
	let cursor: string | null = null;
	do {
		const answer = await send(base, {
			method: "GET",
			path: `/api/events?user_id=${encodeURIComponent(user)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
			headers: bearer(readKey()),
		});
		if (answer.status !== 200) throw new Error(`listing ${user}'s events answered ${answer.status}: ${answer.text.slice(0, 200)}`);
		const page = answer.body as { data: { event_id: string }[]; next_cursor: string | null };
		for (const e of page.data) seen.set(e.event_id, (seen.get(e.event_id) ?? 0) + 1);
		cursor = page.next_cursor;
	} while (cursor);
}

async function existsById(base: string, readKey: () => string, id: string): Promise<boolean> {
	const answer = await send(base, { method: "GET", path: `/api/events/${encodeURIComponent(id)}`, headers: bearer(readKey()) });
	return answer.status === 200;
}

export async function checkStoredOnce(
	base: string,
	readKey: () => string,
	users: string[],
	expectedIds: Iterable<string>,
	lookUpMissing = true,
): Promise<StoredCheck> {
	const seen = new Map<string, number>();
	for (const user of users) await listUser(base, readKey, user, seen);
	const expected = [...new Set(expectedIds)];
	const missing = expected.filter((id) => !seen.has(id));
	const stillMissing = !lookUpMissing
		? missing
		: (await pool(missing, 8, async (id) => ((await existsById(base, readKey, id)) ? null : id))).filter((id): id is string => id !== null);
	return {
		expected: expected.length,
		found: expected.length - stillMissing.length,
		lost: stillMissing,
		duplicated: expected.filter((id) => (seen.get(id) ?? 0) > 1),
	};
}

/** Polls until every expected id is stored or `timeoutMs` passes (the queue drains); answers the last check and how long it took. */
export async function waitStoredOnce(
	base: string,
	readKey: () => string,
	users: string[],
	expectedIds: string[],
	timeoutMs: number,
): Promise<StoredCheck & { drainMs: number }> {
	const started = Date.now();
	for (;;) {
		const timedOut = Date.now() - started > timeoutMs;
		const listed = await checkStoredOnce(base, readKey, users, expectedIds, false);
		// Ids missing from the listing are looked up one by one only once few are left (or time is up).
		const check = listed.lost.length > 0 && (listed.lost.length <= 300 || timedOut) ? await checkStoredOnce(base, readKey, users, expectedIds, true) : listed;
		if (check.lost.length === 0 || timedOut) return { ...check, drainMs: Date.now() - started };
		await new Promise((r) => setTimeout(r, 3000));
	}
}
