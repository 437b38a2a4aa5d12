import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Parts of OpenTelemetry traces whose turns have not all arrived (core/otlp/trace-parts.ts): the spans
 * of one trace from one export, as OTLP JSON, kept until the part that settles the trace comes (the turn
 * span, which ends last) or, failing that, until the detect cron settles what is there. A settled part
 * keeps its row without its body for a day, so a retried export of it is recognised and counted once.
 * WITHOUT ROWID in the migration.
 */
export const otelTraceParts = sqliteTable(
	"otel_trace_parts",
	{
		projectId: text("project_id").notNull(),
		traceId: text("trace_id").notNull(),
		partId: text("part_id").notNull(),
		/** The part's spans (an OTLP/JSON export request); null once settled. */
		body: text("body"),
		receivedAt: integer("received_at").notNull(),
		settledAt: integer("settled_at"),
	},
	(t) => [primaryKey({ columns: [t.projectId, t.traceId, t.partId] }), index("otel_trace_parts_open_idx").on(t.settledAt, t.receivedAt)],
);
