import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { DAY_MS } from "#core/timestamps";
import * as schema from "#db/schema";
import { D1EventVectorStore } from "#shared/adapters/d1-event-vectors";
import { eventBodyStore } from "#shared/adapters/event-body-store";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import { deleteUserData, purgeOlderThan } from "#shared/stores/event-data-deletion";
import { expectEventDaysMatch } from "../../shared/test/aggregates";
import { seedProject } from "../../shared/test/seed-project";
import { eventsInRange } from "../src/reads/events-in-range";
import { ev, store } from "./seed-events";

// The number of events a search went through, from event_days and two edge days, against count(*) over
// events, for ranges that start and end inside days, on day boundaries, open on either side, inside one
// day and past the stored events; after a user's deletion (counts go down) and retention (counts held).

const DAY0 = Math.floor(Date.now() / DAY_MS) - 6;
let projectId: string;
const db = () => drizzle(env.DB, { schema });

async function counted(from?: number, to?: number): Promise<number> {
	const row = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE project_id = ?1 AND timestamp >= ?2 AND timestamp < ?3")
		.bind(projectId, from ?? -1, to ?? Number.MAX_SAFE_INTEGER)
		.first<{ n: number }>();
	return row!.n;
}

const RANGES: [number | undefined, number | undefined][] = [
	[undefined, undefined],
	[DAY0 * DAY_MS, undefined],
	[undefined, (DAY0 + 3) * DAY_MS],
	[(DAY0 + 1) * DAY_MS + 5 * 3_600_000, (DAY0 + 4) * DAY_MS + 7 * 3_600_000],
	[(DAY0 + 2) * DAY_MS, (DAY0 + 5) * DAY_MS],
	[(DAY0 + 2) * DAY_MS + 1, (DAY0 + 2) * DAY_MS + 20 * 3_600_000],
	[(DAY0 + 3) * DAY_MS + 12 * 3_600_000, (DAY0 + 4) * DAY_MS + 1],
	[(DAY0 - 30) * DAY_MS, (DAY0 + 30) * DAY_MS],
	[(DAY0 + 9) * DAY_MS, undefined],
	[(DAY0 + 4) * DAY_MS, (DAY0 + 2) * DAY_MS],
];

async function expectRangesMatch() {
	for (const [from, to] of RANGES) expect(await eventsInRange(db(), projectId, from, to), `[${from}, ${to})`).toBe(await counted(from, to));
}

beforeAll(async () => {
	projectId = (await seedProject("Ranges")).projectId;
	// 7 days, events every 3 hours for 3 users, one of them (u2) only on the first three days.
	const events = [];
	for (let d = 0; d < 7; d++)
		for (let h = 0; h < 24; h += 3)
			for (let u = 0; u < 3; u++)
				if (u < 2 || d < 3) events.push(ev(projectId, `e${d}_${h}_${u}`, (DAY0 + d) * DAY_MS + h * 3_600_000 + u, { user_id: `u${u}` }));
	await store(events);
	// A replayed batch is not counted twice.
	await store(events.slice(0, 10));
});

describe("events stored in a time range, counted by day", () => {
	it("equal count(*) over events for every range", async () => {
		expect(await counted()).toBe(7 * 8 * 2 + 3 * 8);
		await expectRangesMatch();
		await expectEventDaysMatch();
	});

	it("go down with a user's deletion and stay exact after retention, whose purged days keep their counts", async () => {
		const ports = { db: env.DB, index: new D1VectorIndex(env.DB, "any"), eventVectors: new D1EventVectorStore(env.DB), bodies: eventBodyStore(env) };
		expect((await deleteUserData(ports, projectId, "u2", 50)).done).toBe(true);
		expect(await counted()).toBe(7 * 8 * 2);
		await expectRangesMatch();
		// Retention to the middle of day 2: days 0 and 1 keep their counts, day 2 loses its morning.
		expect((await purgeOlderThan(ports, projectId, (DAY0 + 2) * DAY_MS + 10 * 3_600_000, 50)).done).toBe(true);
		const held = await env.DB.prepare("SELECT events FROM event_days WHERE project_id = ? AND day = ?").bind(projectId, DAY0).first<{ events: number }>();
		expect(held!.events).toBe(16);
		expect(await counted()).toBe(7 * 8 * 2 - 2 * 16 - 4 * 2);
		await expectRangesMatch();
		await expectEventDaysMatch();
	});
});
