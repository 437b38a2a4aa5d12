import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY_MS } from "#core/timestamps";
import { D1EventVectorStore } from "#shared/adapters/d1-event-vectors";
import { eventBodyStore } from "#shared/adapters/event-body-store";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import { deleteUserData, purgeOlderThan } from "#shared/stores/event-data-deletion";
import { expectAggregatesMatch, expectLastActiveMatch } from "../../shared/test/aggregates";
import { seedAdminKey } from "../../shared/test/admin-key";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { PASSWORD_REQUESTS as PASSWORD, REFUND_REQUESTS as REFUND } from "../../shared/test/user-requests";
import { intentSignalMatrix, listIntents } from "../src/reads/intent-reads";
import { signalRates } from "../src/reads/signal-reads";
import { INTENT_MATRIX_SQL } from "../src/reads/intent-reads";
import { type WindowForm, windowBatch } from "../src/reads/window-users";
import { ev, sig, store } from "./seed-events";

// Distinct users over a window from the last-active rows (migration 0028) and from the day tables
// must agree for every window that reaches the project's latest day, whatever happened to the rows.

afterEach(async () => {
	await expectAggregatesMatch();
});

const TODAY = Math.floor(Date.now() / DAY_MS);
/** Noon of `daysAgo` days before today (UTC), plus `i` ms. */
const at = (daysAgo: number, i = 0) => (TODAY - daysAgo) * DAY_MS + DAY_MS / 2 + i;

let project: TestProject;
let admin: string;

/**
 * Six users over six days: each asks for a refund or a password reset on some days, some answers
 * refuse, some get a thumbs-down; u0 and u1 come back on several days, u5 only on the oldest.
 */
beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	const p = project.projectId;
	const plan: [user: number, daysAgo: number][] = [
		[0, 0],
		[0, 2],
		[0, 5],
		[1, 1],
		[1, 4],
		[2, 3],
		[3, 0],
		[4, 2],
		[5, 5],
		[1, 0],
	];
	await store(
		plan.map(([u, d], i) =>
			ev(p, `e${i}`, at(d, i), {
				user_id: `u${u}`,
				convo_id: `c${i}`,
				input: i % 2 === 0 ? REFUND[i % REFUND.length] : PASSWORD[i % PASSWORD.length],
				output: i % 3 === 0 ? CONTACT_REFUSALS[i % CONTACT_REFUSALS.length] : "Done: it is taken care of.",
			}),
		),
	);
	await store([sig(p, "e1", "thumbs_down", { user_id: "u0" }), sig(p, "e4", "thumbs_down", { user_id: "u1" })]);
});

/** The three routes' reads in one form for the window [TODAY - days, TODAY]. */
async function readAll(form: WindowForm | undefined, days: number, toDay = TODAY) {
	const p = project.projectId;
	const sorted = <T extends { id?: string; intent_id?: string }>(rows: T[]) =>
		[...rows].sort((a, b) => (a.id ?? a.intent_id)!.localeCompare((b.id ?? b.intent_id)!));
	const list = await listIntents(env.DB, p, toDay - days, toDay, form);
	return {
		list: { ...list, data: sorted(list.data) },
		matrix: sorted(await intentSignalMatrix(env.DB, p, toDay - days, toDay, form)),
		rates: await signalRates(env.DB, p, toDay - days, toDay, [], form),
		ratesOne: await signalRates(env.DB, p, toDay - days, toDay, ["refusal"], form),
	};
}

async function expectFormsAgree() {
	for (const days of [0, 1, 2, 3, 5, 10]) {
		const byDays = await readAll("days", days);
		expect(await readAll("last_active", days), `window of ${days + 1} days`).toEqual(byDays);
		expect(await readAll(undefined, days), `window of ${days + 1} days, chosen form`).toEqual(byDays);
	}
	return expectLastActiveMatch();
}

describe("distinct users over a window from last-active rows", () => {
	it("count the same users as the day tables, for every window that reaches the latest day", async () => {
		expect(await expectFormsAgree()).toBeGreaterThan(20);
		const { list, matrix, rates } = await readAll(undefined, 2);
		// u0, u1, u3 and u4 were active in the last three days; u0 and u1 on two of them each.
		expect(list.active_users).toBe(4);
		expect(rates.window.active_users).toBe(4);
		// Feedback counts on the day it was given (today): u0's and u1's.
		expect(rates.window.signals.thumbs_down).toEqual({ users: 2, pct: 50 });
		expect(list.data.reduce((n, i) => n + i.events, 0)).toBe(6);
		expect(matrix.some((r) => r.users > 0)).toBe(true);
	});

	it("are chosen for a window that reaches the latest day, and the day tables for one that ends before it", async () => {
		const p = project.projectId;
		const form = async (toDay: number) => (await windowBatch(env.DB, p, toDay, { lastActive: [], days: () => [env.DB.prepare("SELECT 1")] })).form;
		expect(await form(TODAY)).toBe("last_active");
		expect(await form(TODAY + 30)).toBe("last_active");
		expect(await form(TODAY - 1)).toBe("days");
		// A window that ends yesterday: u0, u1, u2 and u4 were active in it, though u0 and u1 were last seen today.
		const yesterday = await readAll(undefined, 2, TODAY - 1);
		expect(yesterday).toEqual(await readAll("days", 2, TODAY - 1));
		expect(yesterday.list.active_users).toBe(4);
		// The last-active rows alone would count only u2 and u4 here: that is why the form is chosen.
		expect((await readAll("last_active", 2, TODAY - 1)).list.active_users).toBe(2);
	});

	it("stay right through feedback, a merge, a user's deletion and retention", async () => {
		const p = project.projectId;
		await store([sig(p, "e6", "thumbs_down", { user_id: "u3" }), ev(p, "late", at(0, 99), { user_id: "u5", input: REFUND[0], output: CONTACT_REFUSALS[0] })]);
		await expectFormsAgree();

		const { results } = await env.DB.prepare("SELECT id FROM intents WHERE project_id = ? ORDER BY id").bind(p).all<{ id: string }>();
		expect(results.length).toBeGreaterThanOrEqual(2);
		const merged = await SELF.fetch(`https://api.test/api/intents/${results[1]!.id}/merge`, authed(admin, { into: results[0]!.id }));
		expect(merged.status).toBe(200);
		await expectFormsAgree();

		const ports = { db: env.DB, index: new D1VectorIndex(env.DB, "any"), eventVectors: new D1EventVectorStore(env.DB), bodies: eventBodyStore(env) };
		expect((await deleteUserData(ports, p, "u0", 50)).done).toBe(true);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM user_last_days WHERE project_id = ? AND user_id = 'u0'").bind(p).first("n")).toBe(0);
		await expectFormsAgree();

		// Retention at three days: u2 (last seen three days ago) and the oldest days go; u5 stays for today's event.
		expect((await purgeOlderThan(ports, p, (TODAY - 2) * DAY_MS, 50)).done).toBe(true);
		await expectFormsAgree();
		const users = await env.DB.prepare("SELECT user_id FROM user_last_days WHERE project_id = ? ORDER BY user_id").bind(p).all<{ user_id: string }>();
		expect(users.results.map((r) => r.user_id)).toEqual(["u1", "u3", "u4", "u5"]);
	});

	it("read one row per (key, user), however many events and days those users add", async () => {
		const p = project.projectId;
		const read = async () => {
			const q = INTENT_MATRIX_SQL.last_active;
			const binds = [p, TODAY - 29, TODAY];
			const [users, cells] = await env.DB.batch([env.DB.prepare(q.intentUsers).bind(...binds), env.DB.prepare(q.cells).bind(...binds)]);
			return { users: users!.meta.rows_read, cells: cells!.meta.rows_read };
		};
		const before = await read();
		// 12 more events of u0 on days it was active, asking and refused as in its first event.
		await store(
			Array.from({ length: 12 }, (_, i) =>
				ev(p, `more${i}`, at(i % 2 === 0 ? 0 : 2, 500 + i), { user_id: "u0", input: REFUND[0], output: CONTACT_REFUSALS[0] }),
			),
		);
		await expectFormsAgree();
		const after = await read();
		expect(after).toEqual(before);
	});
});
