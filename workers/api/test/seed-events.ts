import { createMessageBatch, env } from "cloudflare:test";
import type { QueueMessage } from "#core/queue-messages";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";
import { seedProject, type TestProject } from "../../shared/test/seed-project";
import { consumeBatch } from "../../detect/src/ingest-batch/consume-batch";

let seq = 0;

/**
 * The detect worker's bindings, for running its code inside the api's tests: the sentence
 * encoder's files come from the assets the api test project is given (workers/api/vitest.config.ts).
 */
export const detectBindings = () => ({ DB: env.DB, DEAD_LETTER_QUEUE_NAME: "barometer-events-dlq", USE_LITE_ASSETS: env.USE_LITE_ASSETS, BODIES: env.BODIES });

/** Stores messages through the detect worker's own write path, as production does. */
export async function store(messages: QueueMessage[]): Promise<void> {
	const batch = createMessageBatch(
		"barometer-events",
		messages.map((body) => ({ id: `seed-${++seq}`, timestamp: new Date(), attempts: 1, body })),
	);
	await consumeBatch(batch, detectBindings());
}

export function ev(projectId: string, eventId: string, timestamp: number, extra: Record<string, unknown> = {}): QueueMessage {
	return {
		v: 1,
		type: "event",
		project_id: projectId,
		received_at: timestamp,
		event: { event_id: eventId, timestamp, user_id: "u1", event: "chat_message", properties: {}, tool_calls: [], ...extra },
	} as QueueMessage;
}

export function sig(projectId: string, eventId: string, signal: string, extra: Record<string, unknown> = {}): QueueMessage {
	return {
		v: 1,
		type: "signal",
		project_id: projectId,
		received_at: Date.now(),
		signal: { signal_id: `sig_${++seq}`, event_id: eventId, signal, timestamp: Date.now(), properties: {}, ...extra },
	} as QueueMessage;
}

/**
 * Two projects with the same contact refusals at `at`, one second apart: "Mine" (users u0.., conversations
 * mc0.., model-a) and "Theirs" (v0.., tc0.., model-b), for checking that one never reads the other.
 */
export async function seedTwoProjects(at: number): Promise<{ mine: TestProject; theirs: TestProject }> {
	const mine = await seedProject("Mine");
	const theirs = await seedProject("Theirs");
	await store([
		...CONTACT_REFUSALS.map((output, i) =>
			ev(mine.projectId, `m${i}`, at + i * 1000, { user_id: `u${i}`, convo_id: `mc${i}`, model: "model-a", input: "Export my contacts please", output }),
		),
		...CONTACT_REFUSALS.map((output, i) =>
			ev(theirs.projectId, `t${i}`, at + i * 1000, { user_id: `v${i}`, convo_id: `tc${i}`, model: "model-b", input: "Export my contacts", output }),
		),
	]);
	return { mine, theirs };
}
