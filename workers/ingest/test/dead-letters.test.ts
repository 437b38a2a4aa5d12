import { SELF, env } from "cloudflare:test";
import { afterEach, expect, it, vi } from "vitest";
import { authed, countRows, seedProject } from "../../shared/test/seed-project";

afterEach(async () => {
	await env.DB.exec("DROP TRIGGER IF EXISTS refuse_event");
});

it("retries an event D1 keeps refusing, then records it as a dead letter instead of dropping it", async () => {
	const project = await seedProject();
	await env.DB.exec("CREATE TRIGGER refuse_event BEFORE INSERT ON events WHEN NEW.event_id = 'doomed' BEGIN SELECT RAISE(ABORT, 'refused'); END");
	const res = await SELF.fetch(
		"https://ingest.test/v1/events",
		authed(project.writeKey, {
			events: [
				{ event_id: "doomed", user_id: "u" },
				{ event_id: "fine", user_id: "u" },
			],
		}),
	);
	expect(res.status).toBe(202);
	await vi.waitFor(async () => expect(await countRows("events", project.projectId, "event_id = 'fine'")).toBe(1), { timeout: 5000 });
	// The test queue allows 2 retries with backoff (1-2 s, then 2-4 s) before the dead-letter queue.
	await vi.waitFor(async () => expect(await countRows("dead_letters", project.projectId, "reason = 'retries exhausted'")).toBe(1), {
		timeout: 20_000,
		interval: 200,
	});
	const letter = await env.DB.prepare("SELECT body FROM dead_letters WHERE project_id = ?").bind(project.projectId).first<{ body: string }>();
	expect(JSON.parse(letter!.body)).toMatchObject({ type: "event", event: { event_id: "doomed" } });
	expect(await countRows("events", project.projectId, "event_id = 'doomed'")).toBe(0);
	// Its journal row left with it: the minute pass does not send a dead letter round again.
	expect(await countRows("queued_payloads", project.projectId)).toBe(0);
}, 30_000);
