import { redactMessage } from "#core/privacy/redact-message";
import type { QueueMessage } from "#core/queue-messages";
import { enqueue, enqueueOptions } from "#shared/queue/enqueue";
import type { IngestBindings } from "./ingest-env";
import { redactorFor } from "#shared/stores/project-privacy";

/**
 * The one way into the pipeline for every ingest route: personal data redacted by the project's
 * settings, then queued durably. Resolves once the messages are queued (the route then answers 202)
 * and says how many values were redacted, per kind.
 */
export async function acceptMessages(env: IngestBindings, projectId: string, messages: QueueMessage[]): Promise<{ redacted: number }> {
	const redactor = await redactorFor(env.DB, projectId);
	const clean = messages.map((m) => redactMessage(m, redactor));
	await enqueue(env.EVENTS_QUEUE, env.DB, clean, enqueueOptions(env));
	return { redacted: Object.values(redactor.counts).reduce((a, b) => a + b, 0) };
}
