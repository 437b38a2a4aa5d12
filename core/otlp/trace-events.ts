import { aiEventSchema } from "../ingest-schemas";
import type { EventMessage } from "../queue-messages";
import { fitLimits } from "./fit-limits";
import { mapGenAiSpans } from "./genai-spans";
import type { ExportTraceRequest } from "./otlp-types";

/**
 * The events of a settled trace, as queue event messages: mapped one per turn, shortened to the limits,
 * and checked like any event; those whose spans name an app's own event apart (`linked`). An event that fails the check was already named in the export's
 * partialSuccess answer when ingest read it, so here it is left out.
 */
export function traceEventMessages(request: ExportTraceRequest, projectId: string, receivedAt: number): { events: EventMessage[]; linked: EventMessage[] } {
	const events: EventMessage[] = [];
	const linked: EventMessage[] = [];
	for (const mapped of mapGenAiSpans(request).events) {
		const parsed = aiEventSchema.safeParse(fitLimits(mapped));
		if (!parsed.success) continue;
		const message: EventMessage = {
			v: 1,
			type: "event",
			project_id: projectId,
			received_at: receivedAt,
			event: { ...parsed.data, timestamp: parsed.data.timestamp ?? receivedAt },
		};
		// Spans that name the app's own event lend it their tool calls (workers/detect event-links.ts).
		(mapped.linked ? linked : events).push(message);
	}
	return { events, linked };
}
