import type { AlertFilters } from "#core/alerts/alert-rule-input";

// A rule's filters as SQL, shared by the cron's evaluation and the API's daily brief preview ("send test").

/** SQL over `e` (events) for the rule's model, property and intent filters. */
export function eventFilterSql(f: AlertFilters, binds: unknown[]): string {
	const parts: string[] = [];
	if (f.models?.length) parts.push(`e.model IN (SELECT value FROM json_each(?${binds.push(JSON.stringify(f.models))}))`);
	for (const [k, v] of Object.entries(f.properties ?? {})) {
		parts.push(`json_extract(e.properties, '$.' || json_quote(?${binds.push(k)})) = ?${binds.push(typeof v === "boolean" ? Number(v) : v)}`);
	}
	if (f.intents?.length) {
		parts.push(
			`EXISTS (SELECT 1 FROM event_intents ei WHERE ei.project_id = e.project_id AND ei.event_id = e.event_id AND ei.intent_id IN (SELECT value FROM json_each(?${binds.push(JSON.stringify(f.intents))})))`,
		);
	}
	return parts.length ? parts.join(" AND ") : "1";
}

const hasEventFilters = (f: AlertFilters) => Boolean(f.models?.length || f.intents?.length || Object.keys(f.properties ?? {}).length);

/** Issue-level filters: its signal, and at least one of its events matching the event filters. */
export function issueFilterSql(f: AlertFilters, binds: unknown[]): string {
	const parts: string[] = [];
	if (f.signals?.length) parts.push(`i.signal IN (SELECT value FROM json_each(?${binds.push(JSON.stringify(f.signals))}))`);
	if (hasEventFilters(f)) {
		parts.push(
			`EXISTS (SELECT 1 FROM issue_events ie JOIN events e ON e.project_id = ie.project_id AND e.event_id = ie.event_id WHERE ie.issue_id = i.id AND ${eventFilterSql(f, binds)})`,
		);
	}
	return parts.length ? parts.join(" AND ") : "1";
}
