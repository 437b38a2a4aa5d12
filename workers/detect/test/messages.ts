import { createMessageBatch, type MessageBatchMessage } from "cloudflare:test";
import type { QueueMessage } from "#core/queue-messages";

let seq = 0;

export function eventMessage(projectId: string, eventId: string, extra: Record<string, unknown> = {}): QueueMessage {
	return {
		v: 1,
		type: "event",
		project_id: projectId,
		received_at: Date.now(),
		event: {
			event_id: eventId,
			timestamp: Date.now(),
			user_id: "u1",
			convo_id: "c1",
			event: "chat_message",
			input: "hello",
			output: "hi",
			properties: {},
			tool_calls: [],
			...extra,
		},
	} as QueueMessage;
}

export function delivery<T>(body: T, attempts = 1): MessageBatchMessage<T> {
	return { id: `msg-${++seq}`, timestamp: new Date(), attempts, body };
}

export function batchOf<T>(bodies: T[], queue = "barometer-events") {
	return createMessageBatch(
		queue,
		bodies.map((b) => delivery(b)),
	);
}

/**
 * A MessageBatch that records what the consumer decided per message, including the
 * retry delay, which getQueueResult() does not report.
 */
export function recordingBatch<T>(queue: string, deliveries: MessageBatchMessage<T>[]) {
	const decisions = new Map<string, { action: "ack" | "retry"; delaySeconds?: number }>();
	const messages = deliveries.map((d) => ({
		id: d.id,
		timestamp: new Date(d.timestamp),
		attempts: d.attempts,
		body: d.body,
		ack: () => void decisions.set(d.id, { action: "ack" }),
		retry: (opts?: QueueRetryOptions) => void decisions.set(d.id, { action: "retry", delaySeconds: opts?.delaySeconds }),
	}));
	const batch: MessageBatch<T> = {
		queue,
		messages,
		metadata: { metrics: { backlogCount: messages.length, backlogBytes: 0 } },
		ackAll: () => messages.forEach((m) => m.ack()),
		retryAll: (opts?: QueueRetryOptions) => messages.forEach((m) => m.retry(opts)),
	};
	return { batch, decisions };
}
