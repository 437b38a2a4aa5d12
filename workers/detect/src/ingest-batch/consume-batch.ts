import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type EventMessage, queueMessageSchema, type QueueMessage } from "#core/queue-messages";
import { retryDelaySeconds } from "#core/retry-backoff";
import * as schema from "#db/schema";
import { createDetector } from "#core/detection/default-detector";
import { type SentenceEncoderEnv, sentenceEncoder } from "#shared/adapters/sentence-encoder";
import { D1VectorIndex } from "#shared/adapters/d1-vector-index";
import { type EventVectorEnv, eventVectorStore } from "#shared/adapters/event-vector-store";
import type { EventVectors, EventVectorStore } from "#core/vector-index/event-vectors";
import { detectionWrites } from "./detection-writes";
import { resolvePayloadRefs } from "./queued-payloads";
import { mergeParts } from "./pending-event-merges";
import { assembleTraceParts } from "./otel-trace-parts";
import { linkWrites, waitingLinks, withLinks } from "./event-links";
import { assignIntents } from "../intents/intent-discovery";
import { type FlaggedEvent, type GroupingPorts, groupFlaggedEvents } from "../issues/issue-grouping";
import { WorkersAiEmbedder } from "../ai/workers-ai-embedder";
import { WorkersAiJudge } from "../ai/llm-judge";
import { type Db, eventDaysWrite, type Write, writesFor } from "./message-writes";
import { groupingEmbedder } from "../d1-counters";
import { storeLongTexts } from "./event-body-writes";
import { type EventBodyEnv, type EventBodyStore, eventBodyStore } from "#shared/adapters/event-body-store";

/** What the consumer needs; index.ts checks the generated DetectEnv against it. */
export interface DetectBindings extends SentenceEncoderEnv, EventVectorEnv, EventBodyEnv {
	DB: D1Database;
	/** "log": bench/drain-scale.ts counts D1 rows and the pipeline's paid calls per batch (d1-counters.ts). */
	D1_COUNTERS?: string;
	/** The queue whose messages are recorded in dead_letters, never retried. */
	DEAD_LETTER_QUEUE_NAME: string;
	/** Workers AI, production only: the LLM check of uncertain detections. */
	AI?: Ai;
	/** LLM checks per project and day; 0 or unset turns the check off. */
	DETECTION_LLM_DAILY_BUDGET?: string;
	/** "workers-ai": issue and intent vectors from Workers AI (production); anything else: the sentence encoder's. Both kept in D1. */
	ISSUE_EMBEDDINGS?: string;
}

/**
 * The issue grouping's embedder (Workers AI in production, the sentence encoder otherwise) and its index of
 * centres (D1 either way: D1VectorIndex), and the event vector and long-text stores, which deleting an event
 * (retention) also clears.
 */
export async function issuePorts(env: DetectBindings): Promise<GroupingPorts & { eventVectors: EventVectorStore; bodies: EventBodyStore }> {
	const encoder = await sentenceEncoder(env);
	const eventVectors = eventVectorStore(env);
	const bodies = eventBodyStore(env);
	const embedder = env.ISSUE_EMBEDDINGS === "workers-ai" && env.AI ? new WorkersAiEmbedder(env.AI) : groupingEmbedder(env, encoder);
	return { db: env.DB, embedder, encoder, index: new D1VectorIndex(env.DB, embedder.model), eventVectors, bodies };
}

/**
 * Intents and issues are a second phase: an event is stored whatever happens here, and stays
 * findable (flagged, or with input but no intent) for the maintenance pass to regroup.
 */
async function groupStored(env: DetectBindings, stored: EventMessage[], flagged: FlaggedEvent[]): Promise<void> {
	const ports = await issuePorts(env);
	try {
		await assignIntents(
			ports,
			stored.map((m) => ({
				projectId: m.project_id,
				eventId: m.event.event_id,
				userId: m.event.user_id,
				timestamp: m.event.timestamp,
				text: m.event.input ?? "",
				convoId: m.event.convo_id,
			})),
		);
	} catch (err) {
		console.error(`assigning intents to ${stored.length} events failed`, err);
	}
	try {
		await groupFlaggedEvents(ports, flagged);
	} catch (err) {
		console.error(`grouping ${flagged.length} flagged events into issues failed`, err);
	}
}

/**
 * Every stored event's input and output vectors go to the event vector store (search by meaning),
 * per project. Like grouping, after the events are stored: a failure is logged, and the event
 * vector backfill (jobs/event-vector-backfill.ts) finds the events left without vectors.
 */
async function storeVectors(env: DetectBindings, model: string, stored: EventMessage[], vectors: Map<EventMessage, EventVectors>): Promise<void> {
	const byProject = new Map<string, EventMessage[]>();
	for (const m of stored) if (vectors.get(m)?.input || vectors.get(m)?.output) byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), m]);
	if (byProject.size === 0) return;
	const store = eventVectorStore(env);
	for (const [projectId, messages] of byProject) {
		try {
			// A redelivered event has its vectors already: one read keeps its redelivery free of writes.
			const lacking = new Set(
				await store.missing(
					projectId,
					messages.map((m) => m.event.event_id),
					model,
				),
			);
			await store.upsert(
				projectId,
				messages
					.filter((m) => lacking.has(m.event.event_id))
					.map((m) => ({ eventId: m.event.event_id, timestamp: m.event.timestamp, model, ...vectors.get(m) })),
			);
		} catch (err) {
			console.error(`storing the vectors of ${messages.length} events of ${projectId} failed; the backfill will`, err);
		}
	}
}

function deadLetterWrite(db: Db, queue: string, msg: Message<unknown>, reason: string, resolvedBody: unknown = msg.body): Write {
	const body = resolvedBody as { project_id?: unknown } | null;
	return db
		.insert(schema.deadLetters)
		.values({
			// Keyed by the queue's message id, so a redelivered dead letter is recorded once.
			id: `dlq_${msg.id}`,
			projectId: typeof body?.project_id === "string" ? body.project_id : null,
			queue,
			body: JSON.stringify(resolvedBody) ?? "null",
			reason: reason.slice(0, 2000),
			attempts: msg.attempts,
			receivedAt: Date.now(),
		})
		.onConflictDoNothing();
}

/** The writes with the day counts of their events first (eventDaysWrite must run before the inserts). */
function withEventDays(db: Db, events: EventMessage[], writes: Write[]): Write[] {
	const days = eventDaysWrite(db, events);
	return days ? [days, ...writes] : writes;
}

/** Writes as one D1 batch: one round trip, one transaction. */
export async function runBatch(db: Db, writes: Write[]): Promise<void> {
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
		// A reference is recorded with the body it points at, and its parked row leaves in the same
		// batch: the journal would otherwise send it again every minute, and replay re-parks it.
		// A reference whose message was stored after all is no dead letter.
		const resolved = await resolvePayloadRefs(env.DB, batch.messages);
		const writes = batch.messages.flatMap((msg) => {
			const { body, payloadId, done } = resolved.get(msg)!;
			if (done) return [];
			const letter = deadLetterWrite(db, batch.queue, msg, "retries exhausted", body);
			return payloadId ? [letter, db.delete(schema.queuedPayloads).where(eq(schema.queuedPayloads.id, payloadId))] : [letter];
		});
		await runBatch(db, writes);
		batch.ackAll();
		return;
	}

	const planned: { msg: Message<unknown>; writes: Write[]; events: EventMessage[] }[] = [];
	const events = new Map<EventMessage, Write[]>();
	const resolved = await resolvePayloadRefs(env.DB, batch.messages);
	const parsedBodies = new Map(batch.messages.map((msg) => [msg, queueMessageSchema.safeParse(resolved.get(msg)!.body)]));
	// Parts of events sent in pieces are merged first; a part that completes its event joins the batch as that event.
	const partOutcomes = await mergeParts(
		env.DB,
		[...parsedBodies].flatMap(([key, p]) => (p.success && p.data.type === "event_partial" && !resolved.get(key)!.done ? [{ key, message: p.data }] : [])),
	);
	// Parts of OpenTelemetry traces join their trace's waiting parts; a settled trace joins the batch as its events.
	const traceParts = [...parsedBodies].flatMap(([key, p]) =>
		p.success && p.data.type === "otel_trace" && !resolved.get(key)!.done ? [{ key, message: p.data }] : [],
	);
	const traceOutcomes = await assembleTraceParts(env.DB, db, traceParts).catch((error: unknown) => {
		console.error(`joining ${traceParts.length} trace parts failed; they are retried`, error);
		return undefined;
	});
	// Tool calls from spans that named one of this batch's events (a Raindrop trace) join it before detection.
	const candidates = [
		...[...parsedBodies.values()].flatMap((p) => (p.success && p.data.type === "event" ? [p.data] : [])),
		...[...partOutcomes.values()].flatMap((o) => (o.kind === "event" ? [o.event] : [])),
		...[...(traceOutcomes?.values() ?? [])].flatMap((o) => o.events),
	];
	const links = await waitingLinks(env.DB, candidates);
	// Spans in this batch that name an event also in this batch join it directly.
	const linkKey = (m: EventMessage) => `${m.project_id}\u0000${m.event.event_id}`;
	const inBatch = new Set(candidates.map(linkKey));
	for (const o of traceOutcomes?.values() ?? []) {
		for (const l of o.linked.filter((x) => inBatch.has(linkKey(x)))) links.set(linkKey(l), [...(links.get(linkKey(l)) ?? []), l]);
		o.linked = o.linked.filter((x) => !inBatch.has(linkKey(x)));
	}
	// Each event as it is stored (with its spans' tool calls), worked out once.
	const linkedOf = new Map<EventMessage, ReturnType<typeof withLinks>>();
	const linked = (e: EventMessage) => {
		if (!linkedOf.has(e)) linkedOf.set(e, withLinks(db, e, links));
		return linkedOf.get(e)!;
	};
	/** A message's own event: sent whole, or completed by its last part. */
	const foundEvent = (msg: Message<unknown>) => {
		const parsed = parsedBodies.get(msg)!;
		const part = partOutcomes.get(msg);
		return parsed.success && parsed.data.type === "event" ? parsed.data : part?.kind === "event" ? part.event : undefined;
	};
	// Long texts go to R2 before the rows that name them (event-body-writes.ts).
	const { refs: bodyRefs, failed: unsealed } = await storeLongTexts(
		env,
		batch.messages.flatMap((msg) => {
			if (resolved.get(msg)!.done) return [];
			const found = foundEvent(msg);
			return (found ? [found] : (traceOutcomes?.get(msg)?.events ?? [])).map((e) => linked(e).event);
		}),
	);
	if (unsealed.size > 0) {
		// R2 refused: the whole batch is retried before anything is written. Messages lend one another data
		// (spans joined to an event of the batch, a trace's parts carried by its first message), so acking
		// the others could lose what they lent to a retried one.
		for (const msg of batch.messages) msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
		return;
	}
	for (const msg of batch.messages) {
		const { body, payloadId, done } = resolved.get(msg)!;
		if (done) {
			planned.push({ msg, writes: [], events: [] });
			continue;
		}
		const parsed = parsedBodies.get(msg)!;
		if (parsed.success && parsed.data.type === "otel_trace") {
			const outcome = traceOutcomes?.get(msg);
			if (!outcome) {
				msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
				continue;
			}
			// One writes list for the part and all its events: each event's detection rows join it below.
			const linkedFrom = `${parsed.data.trace_id}/${parsed.data.part_id}`;
			const own = outcome.events.map(linked);
			const writes = [
				...outcome.writes,
				...own.flatMap((l) => [...writesFor(db, l.event, bodyRefs), ...l.writes]),
				...(await linkWrites(env.DB, db, outcome.linked, linkedFrom, eventBodyStore(env))),
			];
			if (payloadId) writes.push(db.delete(schema.queuedPayloads).where(eq(schema.queuedPayloads.id, payloadId)));
			for (const l of own) events.set(l.event, writes);
			planned.push({ msg, writes, events: own.map((l) => l.event) });
			continue;
		}
		const part = partOutcomes.get(msg);
		if (part?.kind === "retry") {
			console.error(`message ${msg.id}: merging an event part failed (attempt ${msg.attempts})`, part.error);
			msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
			continue;
		}
		const found = foundEvent(msg);
		const withSpans = found ? linked(found) : undefined;
		const event = withSpans?.event;
		const writes = event
			? [...writesFor(db, event, bodyRefs), ...withSpans.writes]
			: part
				? part.kind === "dead"
					? [deadLetterWrite(db, batch.queue, msg, part.reason)]
					: []
				: parsed.success
					? writesFor(db, parsed.data as QueueMessage)
					: [
							deadLetterWrite(
								db,
								batch.queue,
								msg,
								(body as { missing_payload?: string })?.missing_payload
									? `its parked body ${(body as { missing_payload: string }).missing_payload} is missing`
									: `invalid message: ${parsed.error.message}`,
							),
						];
		// A parked body is deleted in the same D1 batch that stores it.
		if (payloadId) writes.push(db.delete(schema.queuedPayloads).where(eq(schema.queuedPayloads.id, payloadId)));
		if (event) events.set(event, writes);
		planned.push({ msg, writes, events: event ? [event] : [] });
	}

	// Detection reads history and custom signals once for the whole batch; its rows join each message's writes.
	const budget = Number(env.DETECTION_LLM_DAILY_BUDGET ?? 0);
	const judge = env.AI && budget > 0 ? { judge: new WorkersAiJudge(env.AI), dailyBudget: budget } : undefined;
	const encoder = await sentenceEncoder(env);
	const { perMessage, shared, flagged, vectors } = await detectionWrites(db, env.DB, createDetector(encoder), [...events.keys()], judge, eventVectorStore(env));
	for (const [message, writes] of events) writes.push(...(perMessage.get(message) ?? []));

	try {
		await runBatch(
			db,
			withEventDays(
				db,
				planned.flatMap((p) => p.events),
				[...planned.flatMap((p) => p.writes), ...shared],
			),
		);
		// A part whose merge must be retried is not planned: then the others are acked one by one.
		if (planned.length === batch.messages.length) batch.ackAll();
		else for (const p of planned) p.msg.ack();
		await storeVectors(env, encoder.model, [...events.keys()], vectors);
		await groupStored(env, [...events.keys()], [...flagged.values()].flat());
		return;
	} catch (err) {
		console.warn(`batch of ${batch.messages.length} failed as a whole, writing messages one by one`, err);
	}
	const storedFlags: FlaggedEvent[] = [];
	const storedEvents: EventMessage[] = [];
	for (const { msg, writes, events: stored } of planned) {
		try {
			await runBatch(db, withEventDays(db, stored, writes));
			msg.ack();
			for (const event of stored) {
				storedEvents.push(event);
				storedFlags.push(...(flagged.get(event) ?? []));
			}
		} catch (err) {
			console.error(`message ${msg.id} failed (attempt ${msg.attempts})`, err);
			msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
		}
	}
	// LLM checks were spent whatever happened to the messages: count them against the budget.
	await runBatch(db, shared).catch((err) => console.error("could not record LLM budget use", err));
	await storeVectors(env, encoder.model, storedEvents, vectors);
	await groupStored(env, storedEvents, storedFlags);
}
