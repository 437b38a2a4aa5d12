import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EventMessage } from "#core/queue-messages";
import { HISTORY_SQL, loadHistories } from "../src/ingest-batch/conversation-history";
import { eventMessage } from "./messages";

const PROJECT = "prj_history";

async function storeEvents(n: number, convos: number) {
	const t0 = Date.now() - 10 * 86_400_000;
	const rows = Array.from({ length: n }, (_, i) =>
		env.DB.prepare(
			"INSERT INTO events (project_id, event_id, timestamp, received_at, user_id, convo_id, event, input, output) VALUES (?, ?, ?, ?, ?, ?, 'chat', ?, ?)",
		).bind(PROJECT, `h${i}`, t0 + i * 1000, t0 + i * 1000, `u${i % convos}`, `c${i % convos}`, `question ${i}`, `answer ${i}`),
	);
	for (let i = 0; i < rows.length; i += 500) await env.DB.batch(rows.slice(i, i + 500));
}

describe("conversation history: reads bounded by the batch, not by what is stored", () => {
	it("plans a seek on (project, convo, time) per conversation; no scan of events", async () => {
		const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${HISTORY_SQL}`).bind("[]").all<{ detail: string }>();
		const plan = results.map((r) => r.detail).join("\n");
		expect(plan).toMatch(/SEARCH events USING (COVERING )?INDEX events_project_convo_time_idx \(project_id=\? AND convo_id=\?\)/);
		expect(plan).not.toMatch(/SCAN (e|events)\b/);
	});

	it("reads about TURNS rows per conversation however many events the project holds", async () => {
		await storeEvents(3000, 150);
		const convos = JSON.stringify([
			[PROJECT, "c1"],
			[PROJECT, "c2"],
		]);
		const { results, meta } = await env.DB.prepare(HISTORY_SQL).bind(convos).all();
		expect(results).toHaveLength(40);
		// 20 per conversation from the index, 20 row lookups, the tool_calls probes: far below the 3,000 stored.
		expect(meta.rows_read).toBeGreaterThan(0);
		expect(meta.rows_read).toBeLessThan(200);

		const next = eventMessage(PROJECT, "new_in_c1", { convo_id: "c1", user_id: "u1", timestamp: Date.now() }) as EventMessage;
		const history = await loadHistories(env.DB, [next]);
		const turns = history.turns.get(next)!;
		// The last 20 earlier events of c1, oldest first: each a user turn and an assistant turn.
		expect(turns).toHaveLength(40);
		expect(turns.at(-2)).toEqual({ role: "user", content: "question 2851" });
		// Each stored turn's texts, named by event and side: where detection looks for vectors it need not encode.
		expect(history.stored).toHaveLength(40);
		expect(history.stored).toContainEqual({ projectId: PROJECT, eventId: "h2851", part: "input", text: "question 2851" });
		expect(history.stored).toContainEqual({ projectId: PROJECT, eventId: "h2851", part: "output", text: "answer 2851" });
	});
});
