import { createMessageBatch, env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { consumeBatch } from "../../detect/src/ingest-batch/consume-batch";
import { seedAdminKey } from "../../shared/test/admin-key";
import { authed, countRows, seedProject, type TestProject } from "../../shared/test/seed-project";
import { detectBindings, ev } from "./seed-events";

let project: TestProject;
let other: TestProject;
let adminKey: string;
let otherAdminKey: string;

interface DeadLetterView {
	id: string;
	queue: string;
	reason: string;
	attempts: number;
	received_at: string;
	body: { project_id?: string; event?: { event_id: string } } | null;
}

async function insertDeadLetter(id: string, projectId: string | null, receivedAt: number, body: unknown = { project_id: projectId }) {
	await env.DB.prepare(
		"INSERT INTO dead_letters (id, project_id, queue, body, reason, attempts, received_at) VALUES (?, ?, 'barometer-events-dlq', ?, 'retries exhausted', 3, ?)",
	)
		.bind(id, projectId, JSON.stringify(body), receivedAt)
		.run();
}

/** A real dead letter: the detect worker's own write path for a message on the dead-letter queue. */
async function deadLetter(messageId: string, body: unknown) {
	await consumeBatch(createMessageBatch("barometer-events-dlq", [{ id: messageId, timestamp: new Date(), attempts: 3, body }]), detectBindings());
	return `dlq_${messageId}`;
}

const list = (query = "", key = project.readKey) => SELF.fetch(`https://api.test/api/dead-letters${query}`, authed(key));
const replay = (body: unknown, key = adminKey) => SELF.fetch("https://api.test/api/dead-letters/replay", authed(key, body));

beforeEach(async () => {
	project = await seedProject();
	other = await seedProject("Other");
	adminKey = await seedAdminKey(project.projectId);
	otherAdminKey = await seedAdminKey(other.projectId);
});

describe("GET /api/dead-letters", () => {
	it("lists the project's own dead letters newest first, pages with a cursor, never another project's or a project-less one", async () => {
		const t = Date.UTC(2026, 10, 1);
		await insertDeadLetter("dlq_a", project.projectId, t + 1);
		await insertDeadLetter("dlq_b", project.projectId, t + 3);
		await insertDeadLetter("dlq_c", project.projectId, t + 2);
		await insertDeadLetter("dlq_theirs", other.projectId, t + 4);
		await insertDeadLetter("dlq_nobody", null, t + 5, "not a message");

		const first = await list("?limit=2");
		expect(first.status).toBe(200);
		const page1 = (await first.json()) as { data: DeadLetterView[]; next_cursor: string | null };
		expect(page1.data.map((d) => d.id)).toEqual(["dlq_b", "dlq_c"]);
		expect(page1.data[0]).toEqual({
			id: "dlq_b",
			queue: "barometer-events-dlq",
			reason: "retries exhausted",
			attempts: 3,
			received_at: new Date(t + 3).toISOString(),
			body: { project_id: project.projectId },
		});
		expect(page1.next_cursor).toEqual(expect.any(String));
		const page2 = (await (await list(`?limit=2&cursor=${page1.next_cursor}`)).json()) as { data: DeadLetterView[]; next_cursor: string | null };
		expect(page2).toEqual({ data: [expect.objectContaining({ id: "dlq_a" })], next_cursor: null });

		// The admin key reads too; the other project sees only its own.
		expect(((await (await list("", adminKey)).json()) as { data: DeadLetterView[] }).data).toHaveLength(3);
		expect(((await (await list("", other.readKey)).json()) as { data: DeadLetterView[] }).data.map((d) => d.id)).toEqual(["dlq_theirs"]);
	});

	it("answers 400 naming limit or cursor, and 403 to a write key", async () => {
		for (const q of ["?limit=0", "?limit=101", "?limit=abc", "?limit=2.5"]) {
			const res = await list(q);
			expect(res.status).toBe(400);
			expect(await res.json()).toMatchObject({ error: { code: "invalid_query", details: [{ field: "limit" }] } });
		}
		expect(await (await list("?cursor=nope")).json()).toMatchObject({ error: { details: [{ field: "cursor" }] } });
		expect((await list("", project.writeKey)).status).toBe(403);
	});
});

describe("POST /api/dead-letters/replay", () => {
	it("needs the admin key: read and write keys get 403 and nothing is replayed", async () => {
		await insertDeadLetter("dlq_x", project.projectId, Date.now());
		for (const key of [project.readKey, project.writeKey]) {
			const res = await replay({ all: true }, key);
			expect(res.status).toBe(403);
			expect(await res.json()).toMatchObject({ error: { code: "wrong_key_kind" } });
		}
		expect(await countRows("dead_letters", project.projectId)).toBe(1);
	});

	it("answers 400 naming the field for a bad body", async () => {
		const cases: [unknown, string][] = [
			[{}, "ids"],
			[[], "ids"],
			[{ ids: [] }, "ids"],
			[{ ids: "dlq_x" }, "ids"],
			[{ ids: Array.from({ length: 101 }, (_, i) => `dlq_${i}`) }, "ids"],
			[{ ids: ["ok", 7] }, "ids.1"],
			[{ all: false }, "all"],
			[{ all: "yes" }, "all"],
			[{ all: true, ids: ["dlq_x"] }, "all"],
		];
		for (const [body, field] of cases) {
			const res = await replay(body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(await res.json()).toMatchObject({ error: { code: "invalid_body", details: [{ field }] } });
		}
		expect((await replay("not json")).status).toBe(400);
	});

	it("re-sends a real dead letter to the events queue: the consumer stores the event and the row is gone", async () => {
		const id = await deadLetter("lost-1", ev(project.projectId, "replayed-event", Date.now(), { input: "hello again" }));
		const { data } = (await (await list()).json()) as { data: DeadLetterView[] };
		expect(data.map((d) => [d.id, d.reason, d.body?.event?.event_id])).toEqual([[id, "retries exhausted", "replayed-event"]]);
		expect(await countRows("events", project.projectId, "event_id = 'replayed-event'")).toBe(0);

		const res = await replay({ ids: [id] });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ replayed: 1 });
		expect(await countRows("dead_letters", project.projectId)).toBe(0);
		// The detect worker beside the api consumes barometer-events and stores the event.
		await vi.waitFor(async () => expect(await countRows("events", project.projectId, "event_id = 'replayed-event'")).toBe(1), {
			timeout: 10_000,
			interval: 100,
		});

		// Replaying the same id again finds nothing.
		expect(await (await replay({ ids: [id] })).json()).toEqual({ replayed: 0 });
	});

	it("never replays another project's ids: they count as not replayed and stay", async () => {
		const mine = await deadLetter("mine-1", ev(project.projectId, "mine-event", Date.now()));
		const theirs = await deadLetter("theirs-1", ev(other.projectId, "their-event", Date.now()));
		expect(await (await replay({ ids: [mine, theirs, "dlq_unknown"] })).json()).toEqual({ replayed: 1 });
		expect(await countRows("dead_letters", other.projectId)).toBe(1);
		// all: true is scoped the same way.
		expect(await (await replay({ all: true })).json()).toEqual({ replayed: 0, remaining: 0 });
		expect(await countRows("dead_letters", other.projectId)).toBe(1);
		await vi.waitFor(async () => expect(await countRows("events", project.projectId, "event_id = 'mine-event'")).toBe(1), { timeout: 10_000, interval: 100 });
		expect(await countRows("events", other.projectId)).toBe(0);

		expect(await (await replay({ all: true }, otherAdminKey)).json()).toEqual({ replayed: 1, remaining: 0 });
		await vi.waitFor(async () => expect(await countRows("events", other.projectId, "event_id = 'their-event'")).toBe(1), { timeout: 10_000, interval: 100 });
	});

	it("replays every dead letter of the project with all: true", async () => {
		for (let i = 0; i < 3; i++) await deadLetter(`bulk-${i}`, ev(project.projectId, `bulk-event-${i}`, Date.now()));
		expect(await (await replay({ all: true })).json()).toEqual({ replayed: 3, remaining: 0 });
		expect(await countRows("dead_letters", project.projectId)).toBe(0);
		await vi.waitFor(async () => expect(await countRows("events", project.projectId, "event_id LIKE 'bulk-event-%'")).toBe(3), {
			timeout: 10_000,
			interval: 100,
		});
	});
});
