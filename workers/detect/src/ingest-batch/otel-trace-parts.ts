import { and, eq, isNull } from "drizzle-orm";
import type { ExportTraceRequest } from "#core/otlp/otlp-types";
import { traceEventMessages } from "#core/otlp/trace-events";
import { mergeParts, traceSettled } from "#core/otlp/trace-parts";
import type { EventMessage, OtelTraceMessage } from "#core/queue-messages";
import * as schema from "#db/schema";
import type { Db, Write } from "./message-writes";

/** A trace that has waited this long with nothing new is settled with what arrived (the detect cron). */
export const TRACE_SETTLE_MS = 60_000;
/** More spans than this waiting for one trace: it is settled now rather than held further. */
const MAX_PENDING_SPANS = 5_000;

/** What a batch's trace parts became: per message, the events to store now and the D1 statements to run with them. */
export interface TraceOutcome {
	events: EventMessage[];
	/** Events whose spans named an app's own event: their tool calls join it (event-links.ts). */
	linked: EventMessage[];
	writes: Write[];
}

interface PartRow {
	part_id: string;
	body: string | null;
	received_at: number;
	settled_at: number | null;
}

const spanCount = (r: ExportTraceRequest) =>
	(r.resourceSpans ?? []).reduce((n, rs) => n + (rs.scopeSpans ?? []).reduce((m, ss) => m + (ss.spans ?? []).length, 0), 0);

/**
 * Joins each trace's new parts to the parts of it already waiting. A trace that is now settled becomes
 * its events (one per turn), stored in this batch like any event, and its waiting parts are marked
 * settled in the same D1 batch; otherwise the new parts wait. A part already seen (a retried export,
 * a redelivered message) changes nothing. The first message of a trace carries the trace's outcome;
 * the others carry none.
 */
export async function assembleTraceParts<K>(
	d1: D1Database,
	db: Db,
	parts: { key: K; message: OtelTraceMessage }[],
	now = Date.now(),
): Promise<Map<K, TraceOutcome>> {
	const out = new Map<K, TraceOutcome>();
	const groups = new Map<string, { key: K; message: OtelTraceMessage }[]>();
	for (const p of parts) {
		const id = `${p.message.project_id}\u0000${p.message.trace_id}`;
		groups.set(id, [...(groups.get(id) ?? []), p]);
		out.set(p.key, { events: [], linked: [], writes: [] });
	}
	// One read per project for all the batch's traces.
	const rowsByTrace = new Map<string, PartRow[]>();
	const traceIdsByProject = new Map<string, Set<string>>();
	for (const { message: m } of parts) traceIdsByProject.set(m.project_id, (traceIdsByProject.get(m.project_id) ?? new Set()).add(m.trace_id));
	for (const [projectId, traceIds] of traceIdsByProject) {
		const { results } = await d1
			.prepare(
				"SELECT trace_id, part_id, body, received_at, settled_at FROM otel_trace_parts WHERE project_id = ? AND trace_id IN (SELECT value FROM json_each(?))",
			)
			.bind(projectId, JSON.stringify([...traceIds]))
			.all<PartRow & { trace_id: string }>();
		for (const r of results) {
			const id = `${projectId}\u0000${r.trace_id}`;
			rowsByTrace.set(id, [...(rowsByTrace.get(id) ?? []), r]);
		}
	}
	for (const [id, group] of groups) {
		const { project_id: projectId, trace_id: traceId } = group[0]!.message;
		const rows = rowsByTrace.get(id) ?? [];
		const known = new Set(rows.map((r) => r.part_id));
		const fresh = new Map<string, OtelTraceMessage>();
		for (const { message } of group) if (!known.has(message.part_id)) fresh.set(message.part_id, message);
		if (fresh.size === 0) continue;
		const waiting = rows.filter((r) => r.settled_at === null && r.body !== null);
		const union = mergeParts([...waiting.map((r) => JSON.parse(r.body!) as ExportTraceRequest), ...[...fresh.values()].map((m) => m.spans)]);
		const outcome = out.get(group[0]!.key)!;
		if (traceSettled(union) || spanCount(union) > MAX_PENDING_SPANS) {
			const receivedAt = Math.min(...[...fresh.values()].map((m) => m.received_at), ...waiting.map((r) => r.received_at));
			const mapped = traceEventMessages(union, projectId, receivedAt);
			outcome.events.push(...mapped.events);
			outcome.linked.push(...mapped.linked);
			// A trace settled by its first part (a turn exported whole, the common case) writes no rows:
			// its events' ids make a retried export harmless. Parts that waited are marked settled.
			if (waiting.length === 0) continue;
			outcome.writes.push(
				db
					.update(schema.otelTraceParts)
					.set({ settledAt: now, body: null })
					.where(and(eq(schema.otelTraceParts.projectId, projectId), eq(schema.otelTraceParts.traceId, traceId), isNull(schema.otelTraceParts.settledAt))),
				...[...fresh.values()].map((m) =>
					db
						.insert(schema.otelTraceParts)
						.values({ projectId, traceId, partId: m.part_id, body: null, receivedAt: m.received_at, settledAt: now })
						.onConflictDoNothing(),
				),
			);
		} else {
			outcome.writes.push(
				...[...fresh.values()].map((m) =>
					db
						.insert(schema.otelTraceParts)
						.values({ projectId, traceId, partId: m.part_id, body: JSON.stringify(m.spans), receivedAt: m.received_at, settledAt: null })
						.onConflictDoNothing(),
				),
			);
		}
	}
	return out;
}

/**
 * The traces that waited TRACE_SETTLE_MS with nothing new (their turn span never came: a parent in a
 * process that does not export here, a crash): settled with what arrived, their events sent through
 * the events queue like any event. Settled parts are forgotten after a day.
 */
export async function staleTraceEvents(db: D1Database, now: number, limit = 100): Promise<{ events: EventMessage[]; marks: D1PreparedStatement[] }> {
	const { results } = await db
		.prepare(
			`SELECT project_id, trace_id, MAX(received_at) AS last FROM otel_trace_parts WHERE settled_at IS NULL
			GROUP BY project_id, trace_id HAVING last <= ? LIMIT ?`,
		)
		.bind(now - TRACE_SETTLE_MS, limit)
		.all<{ project_id: string; trace_id: string; last: number }>();
	const events: EventMessage[] = [];
	const marks: D1PreparedStatement[] = [];
	for (const t of results) {
		const { results: rows } = await db
			.prepare("SELECT body, received_at FROM otel_trace_parts WHERE project_id = ? AND trace_id = ? AND settled_at IS NULL AND body IS NOT NULL")
			.bind(t.project_id, t.trace_id)
			.all<{ body: string; received_at: number }>();
		if (rows.length === 0) continue;
		const union = mergeParts(rows.map((r) => JSON.parse(r.body) as ExportTraceRequest));
		const mapped = traceEventMessages(union, t.project_id, Math.min(...rows.map((r) => r.received_at)));
		events.push(...mapped.events);
		// Tool calls for an app's event wait in event_links; the cron's link pass adds them to it.
		marks.push(
			...mapped.linked.map((m) =>
				db
					.prepare("INSERT INTO event_links (project_id, event_id, source, body, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
					.bind(m.project_id, m.event.event_id, `${t.trace_id}/stale`, JSON.stringify(m), m.received_at),
			),
		);
		// Only if nothing came meanwhile: a part that arrived since keeps the trace open.
		marks.push(
			db
				.prepare(
					`UPDATE otel_trace_parts SET settled_at = ?, body = NULL WHERE project_id = ? AND trace_id = ? AND settled_at IS NULL
					AND NOT EXISTS (SELECT 1 FROM otel_trace_parts WHERE project_id = ? AND trace_id = ? AND received_at > ?)`,
				)
				.bind(now, t.project_id, t.trace_id, t.project_id, t.trace_id, t.last),
		);
	}
	marks.push(
		db
			.prepare(
				`DELETE FROM otel_trace_parts WHERE (project_id, trace_id, part_id) IN
				(SELECT project_id, trace_id, part_id FROM otel_trace_parts WHERE settled_at IS NOT NULL AND settled_at < ? LIMIT 5000)`,
			)
			.bind(now - 86_400_000),
	);
	return { events, marks };
}
