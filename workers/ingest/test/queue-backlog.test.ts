import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { authed, countRows, seedProject } from "../../shared/test/seed-project";
import worker from "../src";

async function post(key: string, limit: string, eventId: string) {
	const ctx = createExecutionContext();
	const res = await worker.fetch(
		new Request("https://ingest.test/v1/events", authed(key, { events: [{ event_id: eventId, user_id: "u" }] })),
		{ ...env, QUEUE_BACKLOG_LIMIT: limit },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return res;
}

describe("local backpressure: ingest refuses new work while the journal backlog is over its limit", () => {
	it("answers 503 queue_backlog with Retry-After and takes nothing; under the limit it takes the event", async () => {
		const project = await seedProject();
		const other = await seedProject();
		// Three messages waiting (another project's): the backlog is the instance's, not one project's.
		for (const id of ["w1", "w2", "w3"]) {
			await env.DB.prepare("INSERT INTO queued_payloads (id, project_id, body, created_at) VALUES (?, ?, '{}', ?)")
				.bind(`${other.projectId}/event/${id}`, other.projectId, Date.now())
				.run();
		}
		const refused = await post(project.writeKey, "3", "refused_1");
		expect(refused.status).toBe(503);
		expect(refused.headers.get("retry-after")).toBe("5");
		expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("queue_backlog");
		expect(await countRows("queued_payloads", project.projectId)).toBe(0);

		const taken = await post(project.writeKey, "4", "taken_1");
		expect(taken.status).toBe(202);
		await env.DB.prepare("DELETE FROM queued_payloads WHERE project_id = ?").bind(other.projectId).run();
	});
});
