import { drizzle } from "drizzle-orm/d1";
import { queueMessageSchema, type QueueMessage } from "../../../core/queue-messages";
import { retryDelaySeconds } from "../../../core/retry-backoff";
import * as schema from "../../../db/schema";
import { type Db, type Write, writesFor } from "./message-writes";

/** What the consumer needs; index.ts checks the generated DetectEnv against it. */
export interface DetectBindings {
	DB: D1Database;
	/** The queue whose messages are recorded in dead_letters, never retried. */
	DEAD_LETTER_QUEUE_NAME: string;
}

function deadLetterWrite(db: Db, queue: string, msg: Message<unknown>, reason: string): Write {
	const body = msg.body as { project_id?: unknown } | null;
	return db
		.insert(schema.deadLetters)
		.values({
			// Keyed by the queue's message id, so a redelivered dead letter is recorded once.
			id: `dlq_${msg.id}`,
			projectId: typeof body?.project_id === "string" ? body.project_id : null,
			queue,
			body: JSON.stringify(msg.body) ?? "null",
			reason: reason.slice(0, 2000),
			attempts: msg.attempts,
			receivedAt: Date.now(),
		})
		.onConflictDoNothing();
}

async function runBatch(db: Db, writes: Write[]): Promise<void> {
	if (writes.length === 0) return;
	await db.batch(writes as [Write, ...Write[]]);
}

/**
 * Stores a queue batch with one D1 batch (one round trip, one transaction). If that
 * fails, each message is written on its own so one bad message cannot hold back the
 * others: those that succeed are acked, those that fail are retried with backoff and,
 * after the queue's max_retries, land in the dead-letter queue.
 */
export async function consumeBatch(batch: MessageBatch<unknown>, env: DetectBindings): Promise<void> {
	const db = drizzle(env.DB, { schema });
	if (batch.queue === env.DEAD_LETTER_QUEUE_NAME) {
		await runBatch(db, batch.messages.map((msg) => deadLetterWrite(db, batch.queue, msg, "retries exhausted")));
		batch.ackAll();
		return;
	}

	const planned: { msg: Message<unknown>; writes: Write[] }[] = [];
	for (const msg of batch.messages) {
		const parsed = queueMessageSchema.safeParse(msg.body);
		const writes = parsed.success
			? writesFor(db, parsed.data as QueueMessage)
			: [deadLetterWrite(db, batch.queue, msg, `invalid message: ${parsed.error.message}`)];
		planned.push({ msg, writes });
	}

	try {
		await runBatch(db, planned.flatMap((p) => p.writes));
		batch.ackAll();
		return;
	} catch (err) {
		console.warn(`batch of ${batch.messages.length} failed as a whole, writing messages one by one`, err);
	}
	for (const { msg, writes } of planned) {
		try {
			await runBatch(db, writes);
			msg.ack();
		} catch (err) {
			console.error(`message ${msg.id} failed (attempt ${msg.attempts})`, err);
			msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
		}
	}
}

