// `npx tsx bench/ingest-cpu.ts`: ingest's own work per event, in one Node process (issue 20), on the bench's
// events in batches of 100: parsing the body, validating each item (zod), redacting personal data with the
// default settings, and serialising the queue message. The bare worker the ingest bench compares against does
// only the parse; the rest is what ingest adds before its queue send. Median of 5 runs of 300 batches, µs per event.
import { validateBatchItems } from "#core/batch-validation";
import { aiEventSchema } from "#core/ingest-schemas";
import { LIMITS } from "#core/limits";
import { createRedactor, DEFAULT_PRIVACY } from "#core/privacy/pii";
import { redactMessage } from "#core/privacy/redact-message";
import type { QueueMessage } from "#core/queue-messages";
import { newEvents } from "./bench-traffic";
import { spread } from "./stats";

const BATCH = 100;
const body = JSON.stringify({ events: newEvents("cpu", BATCH, 1000) });
const items = (JSON.parse(body) as { events: unknown[] }).events;
const route = { listName: "events", idField: "event_id", maxItemBytes: LIMITS.eventBytes };
const { accepted } = validateBatchItems(items, aiEventSchema, route);
// As ingest's events route queues them (workers/ingest/src/routes/events.ts; its worker types stay out of here).
const now = Date.now();
const messages: QueueMessage[] = accepted.map((a) => ({
	v: 1,
	type: "event",
	project_id: "p",
	received_at: now,
	event: { ...a.value, timestamp: a.value.timestamp ?? now },
}));

function microsPerEvent(work: () => void, batches = 300): number {
	for (let i = 0; i < 20; i++) work();
	const runs = Array.from({ length: 5 }, () => {
		const t = performance.now();
		for (let i = 0; i < batches; i++) work();
		return ((performance.now() - t) * 1000) / (batches * BATCH);
	});
	return spread(runs).median;
}

const parts = {
	"parse the body": () => JSON.parse(body),
	"validate (zod)": () => validateBatchItems(items, aiEventSchema, route),
	redact: () => {
		const r = createRedactor(DEFAULT_PRIVACY, "salt");
		for (const m of messages) redactMessage(m, r);
	},
	"serialise the messages": () => messages.map((m) => JSON.stringify(m)),
};
for (const [part, work] of Object.entries(parts)) console.log(`${part}: ${microsPerEvent(work).toFixed(2)} µs per event`);
