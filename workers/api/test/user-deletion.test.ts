import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectAggregatesMatch } from "../../shared/test/aggregates";
import type { QueueMessage } from "#core/queue-messages";
import { issuePorts } from "../../detect/src/ingest-batch/consume-batch";
import { maintainIssues } from "../../detect/src/issues/issue-maintenance";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import { D1EventVectorStore } from "#shared/adapters/d1-event-vectors";
import { eventBodyStore } from "#shared/adapters/event-body-store";
import { deleteUserData } from "#shared/stores/event-data-deletion";
import { redactorFor } from "#shared/stores/project-privacy";
import { seedAdminKey } from "../../shared/test/admin-key";
import { CONTACT_REFUSALS, FILE_REFUSALS } from "../../shared/test/refusal-texts";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";
import { detectBindings, ev, sig, store } from "./seed-events";
import { REFUND_REQUESTS as REFUND, PASSWORD_REQUESTS as PASSWORD } from "../../shared/test/user-requests";

// Every test here ends with the trigger-kept aggregates (issue_days, issue_user_days, intent_signal_days) equal to a recount.
afterEach(async () => {
	await expectAggregatesMatch();
});

const T = Date.now() - 3_600_000;
/** Every table whose rows name a user. */
const USER_TABLES = [
	"events",
	"tool_calls",
	"signals",
	"detections",
	"user_signal_days",
	"user_days",
	"users",
	"conversations",
	"event_intents",
	"issue_events",
	"issue_candidates",
	"intent_candidates",
];

let project: TestProject;
let other: TestProject;
let admin: string;

const identify = (projectId: string, userId: string): QueueMessage =>
	({
		v: 1,
		type: "identify",
		project_id: projectId,
		received_at: T,
		identify: { user_id: userId, timestamp: T, traits: { email: `${userId}@example.com` } },
	}) as QueueMessage;

/**
 * alice shares the contacts issue and the refund intent with bob; the files issue and the
 * password intent are hers alone. The other project has an "alice" of its own.
 */
async function seedUsers(p: string) {
	await store([
		...CONTACT_REFUSALS.slice(0, 3).map((output, i) =>
			ev(p, `a${i}`, T + i, { user_id: "alice", convo_id: "ca", input: REFUND[i], output, tool_calls: [{ name: "lookup" }] }),
		),
		...CONTACT_REFUSALS.slice(3, 6).map((output, i) => ev(p, `b${i}`, T + 10 + i, { user_id: "bob", convo_id: "cb", input: REFUND[i + 1], output })),
		...FILE_REFUSALS.map((output, i) => ev(p, `f${i}`, T + 20 + i, { user_id: "alice", convo_id: "ca", input: PASSWORD[i], output })),
	]);
	await store([
		sig(p, "a1", "thumbs_down"),
		sig(p, "b1", "thumbs_down"),
		sig(p, "never-stored", "thumbs_up", { user_id: "alice" }),
		identify(p, "alice"),
		identify(p, "bob"),
	]);
}

const maintain = async () => maintainIssues(await issuePorts(detectBindings()));
const call = (method: string, path: string, key: string, body?: unknown) => SELF.fetch(`https://api.test${path}`, authed(key, body, { method }));
const del = (userId: string, key = admin) => call("DELETE", `/api/users/${encodeURIComponent(userId)}`, key);

async function rowsOf(projectId: string, userId: string): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const table of USER_TABLES) {
		const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE project_id = ? AND user_id = ?`).bind(projectId, userId).first<{ n: number }>();
		counts[table] = row!.n;
	}
	return counts;
}

const vectorIds = async () => new Set((await env.DB.prepare("SELECT id FROM vectors").all<{ id: string }>()).results.map((r) => r.id));
const issueOf = async (projectId: string, pattern: RegExp) =>
	(
		await env.DB.prepare("SELECT id, title, central_event_id, first_seen, last_seen FROM issues WHERE project_id = ?")
			.bind(projectId)
			.all<{ id: string; title: string; central_event_id: string; first_seen: number; last_seen: number }>()
	).results.find((i) => pattern.test(i.title));
const intentOf = async (projectId: string, eventId: string) =>
	(await env.DB.prepare("SELECT intent_id FROM event_intents WHERE project_id = ? AND event_id = ?").bind(projectId, eventId).first<{ intent_id: string }>())
		?.intent_id;

beforeEach(async () => {
	project = await seedProject();
	other = await seedProject("Other project");
	admin = await seedAdminKey(project.projectId);
	await seedUsers(project.projectId);
	await seedUsers(other.projectId);
});

describe("DELETE /api/users/:id", () => {
	it("removes the user's rows, vectors and emptied issues and intents, leaving other users and projects intact", async () => {
		const p = project.projectId;
		const contacts = (await issueOf(p, /contact/))!;
		const files = (await issueOf(p, /file/))!;
		const refund = (await intentOf(p, "b0"))!;
		const password = (await intentOf(p, "f0"))!;
		expect(contacts && files && refund && password).toBeTruthy();
		expect(password).not.toBe(refund);
		// Teach the grouper with one event of each user, so both have exemplar vectors.
		expect((await call("POST", `/api/issues/${contacts.id}/move`, admin, { event_id: "a0" })).status).toBe(200);
		expect((await call("POST", `/api/issues/${contacts.id}/move`, admin, { event_id: "b0" })).status).toBe(200);
		await maintain();
		const exemplars = (await env.DB.prepare("SELECT id, event_id FROM issue_exemplars WHERE project_id = ?").bind(p).all<{ id: string; event_id: string }>())
			.results;
		const aliceExemplar = exemplars.find((e) => e.event_id === "a0")!.id;
		const bobExemplar = exemplars.find((e) => e.event_id === "b0")!.id;
		const before = await vectorIds();
		for (const id of [aliceExemplar, bobExemplar, contacts.id, files.id, refund, password]) expect(before.has(id)).toBe(true);
		// Undelivered messages naming alice: a dead letter, a parked body, a sent every-match alert.
		await store([{ v: 1, type: "event", project_id: p, received_at: T, event: { user_id: "alice", event: "broken" } } as unknown as QueueMessage]);
		await env.DB.prepare("INSERT INTO queued_payloads (id, project_id, body, created_at) VALUES (?, ?, ?, ?)")
			.bind(`${p}/event/a9`, p, JSON.stringify(ev(p, "a9", T, { user_id: "alice" })), T)
			.run();
		await env.DB.prepare(
			"INSERT INTO alert_rules (id, project_id, name, kind, destination_type, destination_display, destination_sealed, cursor_at, created_at, updated_at) VALUES ('rule1', ?, 'every refusal', 'every_match', 'webhook', 'example.com', 'sealed', ?, ?, ?)",
		)
			.bind(p, T, T, T)
			.run();
		await env.DB.prepare(
			"INSERT INTO alert_deliveries (id, rule_id, project_id, dedupe_key, subject, message, status, created_at, next_attempt_at) VALUES ('ad1', 'rule1', ?, 'match:a1:refusal', 'signal:refusal', ?, 'sent', ?, ?)",
		)
			.bind(p, JSON.stringify({ event: { id: "a1", user_id: "alice" } }), T, T)
			.run();
		// An event of alice's still arriving in parts (Raindrop's begin … finish), and one of bob's.
		for (const [user, id] of [
			["alice", "a_open"],
			["bob", "b_open"],
		]) {
			await env.DB.prepare("INSERT INTO pending_events (project_id, event_id, merged, parts, version, updated_at) VALUES (?, ?, ?, '[]', 1, ?)")
				.bind(
					p,
					id,
					JSON.stringify({ event_id: id, fields: { user_id: { value: user, at: T } }, properties: {}, attachments: [], received_at: T, final: false }),
					T,
				)
				.run();
		}
		const bobBefore = await rowsOf(p, "bob");
		const otherBefore = await rowsOf(other.projectId, "alice");
		const aliceBefore = await rowsOf(p, "alice");
		expect(aliceBefore.events).toBe(7);

		// As naming does when the central example is hers (a0 left the issue: a1 is one of its members).
		await env.DB.prepare(`UPDATE issues SET description = 'Refusal: "' || ? || '", since Dec 6.' WHERE id = ?`).bind(CONTACT_REFUSALS[1], contacts.id).run();
		await env.DB.prepare(`UPDATE intents SET description = 'Users ask to get a refund, e.g. "' || ? || '" (6 requests).' WHERE id = ?`)
			.bind(REFUND[0], refund)
			.run();
		const res = await del("alice");
		expect(res.status).toBe(200);
		const { data } = (await res.json()) as { data: { user_id: string; done: boolean; remaining_events: number; deleted: Record<string, number> } };
		expect(data).toMatchObject({ user_id: "alice", done: true, remaining_events: 0 });
		expect(data.deleted).toMatchObject({
			events: 7,
			tool_calls: 3,
			users: 1,
			conversations: 1,
			issues: 1,
			intents: 1,
			dead_letters: 1,
			queued_payloads: 1,
			alert_deliveries: 1,
			issue_exemplars: 1,
			pending_events: 1,
		});
		expect(
			await env.DB.prepare("SELECT event_id FROM pending_events WHERE project_id = ?")
				.bind(p)
				.all()
				.then((r) => r.results),
		).toEqual([{ event_id: "b_open" }]);
		expect(data.deleted.signals).toBe(2);
		expect(data.deleted.vectors).toBeGreaterThanOrEqual(3);

		expect(Object.values(await rowsOf(p, "alice")).every((n) => n === 0)).toBe(true);
		for (const table of ["dead_letters", "queued_payloads", "alert_deliveries"]) {
			const left = await env.DB.prepare(
				`SELECT count(*) AS n FROM ${table} WHERE project_id = ? AND instr(${table === "alert_deliveries" ? "message" : "body"}, 'alice') > 0`,
			)
				.bind(p)
				.first<{ n: number }>();
			expect(left!.n, table).toBe(0);
		}
		expect(
			(await env.DB.prepare("SELECT count(*) AS n FROM issue_exemplars WHERE project_id = ? AND event_id LIKE 'a%'").bind(p).first<{ n: number }>())!.n,
		).toBe(0);
		expect(await rowsOf(p, "bob")).toEqual(bobBefore);
		expect(await rowsOf(other.projectId, "alice")).toEqual(otherBefore);

		const after = await vectorIds();
		for (const id of [aliceExemplar, files.id, password]) expect(after.has(id), id).toBe(false);
		for (const id of [bobExemplar, contacts.id, refund]) expect(after.has(id), id).toBe(true);

		// The shared issue keeps bob's events, with its times and central event from them.
		const kept = (await issueOf(p, /contact/))!;
		expect(kept.id).toBe(contacts.id);
		expect(kept.central_event_id).toMatch(/^b/);
		expect([kept.first_seen, kept.last_seen]).toEqual([T + 11, T + 12]);
		expect(await issueOf(p, /file/)).toBeUndefined();
		const { data: issues } = (await (await call("GET", "/api/issues", project.readKey)).json()) as { data: { id: string; users: number; events: number }[] };
		expect(issues.map((i) => [i.id, i.users, i.events])).toEqual([[contacts.id, 1, 2]]);
		const { data: intents } = (await (await call("GET", "/api/intents", project.readKey)).json()) as { data: { id: string; users: number; events: number }[] };
		expect(intents.map((i) => [i.id, i.users])).toEqual([[refund, 1]]);
		// The other project's alice still counts there.
		const { data: otherIssues } = (await (await call("GET", "/api/issues", other.readKey)).json()) as { data: { users: number }[] };
		expect(otherIssues.map((i) => i.users).sort()).toEqual([1, 2]);

		// Names quote an example: none quotes what only alice wrote any more.
		const names = await env.DB.prepare(
			"SELECT title || ' ' || description AS text FROM issues WHERE project_id = ?1 UNION ALL SELECT name || ' ' || description FROM intents WHERE project_id = ?1",
		)
			.bind(p)
			.all<{ text: string }>();
		for (const { text } of names.results)
			for (const own of [REFUND[0]!, ...CONTACT_REFUSALS.slice(0, 3), ...PASSWORD]) expect(text).not.toContain(own.replace(/[.!?]$/, ""));

		expect((await del("alice")).status).toBe(404);
	});

	it("answers 202 with what remains when one call cannot finish, and the next call finishes", async () => {
		const p = project.projectId;
		await store(Array.from({ length: 230 }, (_, i) => ev(p, `m${i}`, T + 100 + i, { user_id: "many" })));
		const first = await deleteUserData(
			{ db: env.DB, index: new D1VectorIndex(env.DB, "any"), eventVectors: new D1EventVectorStore(env.DB), bodies: eventBodyStore(env) },
			p,
			"many",
			1,
		);
		expect(first).toMatchObject({ done: false, remainingEvents: 30 });
		expect(first.deleted.events).toBe(200);
		const res = await del("many");
		expect(res.status).toBe(200);
		expect(((await res.json()) as { data: { deleted: { events: number; users: number } } }).data.deleted).toMatchObject({ events: 30, users: 1 });
		expect((await rowsOf(p, "many")).events).toBe(0);
	});

	it("needs the admin key, and answers 404 for a user the project never saw", async () => {
		expect((await del("alice", project.readKey)).status).toBe(403);
		expect((await del("alice", project.writeKey)).status).toBe(403);
		expect((await del("nobody")).status).toBe(404);
		// Another project's user is not this project's.
		const otherAdmin = await seedAdminKey(other.projectId);
		await store([ev(other.projectId, "solo", T, { user_id: "only-there" })]);
		expect((await del("only-there")).status).toBe(404);
		expect((await del("only-there", otherAdmin)).status).toBe(200);
		expect((await rowsOf(project.projectId, "alice")).events).toBe(7);
	});

	it("finds a user stored under a keyed hash (an e-mail as user id) from the id the app knows", async () => {
		const email = "carol@example.com";
		const stored = (await redactorFor(env.DB, project.projectId)).identifier(email);
		expect(stored).toMatch(/^user:[0-9a-f]{16}$/);
		await store([ev(project.projectId, "carol_1", T, { user_id: stored, convo_id: "cc", input: "hello", output: "hi" })]);
		const res = await del(email);
		expect(res.status).toBe(200);
		expect(((await res.json()) as { data: { user_id: string } }).data.user_id).toBe(stored);
		expect((await rowsOf(project.projectId, stored)).events).toBe(0);
		expect((await rowsOf(project.projectId, "alice")).events).toBe(7);
	});
});
