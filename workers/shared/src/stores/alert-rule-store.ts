import type { AlertDestinationType, AlertRuleKind } from "#core/alerts/alert-rule-input";

/** An alert_rules row: `filters` and `params` JSON, the destination sealed (see secret-box). */
export interface RuleRow {
	id: string;
	project_id: string;
	name: string;
	kind: AlertRuleKind;
	filters: string;
	params: string;
	destination_type: AlertDestinationType;
	destination_display: string;
	destination_sealed: string;
	throttle_seconds: number;
	enabled: number;
	snoozed_until: number | null;
	firing: number;
	/** Every-match rules: events after this time are still to be matched. */
	cursor_at: number;
	created_at: number;
	updated_at: number;
}

export interface DeliveryRow {
	id: string;
	dedupe_key: string;
	subject: string;
	message: string;
	status: string;
	attempts: number;
	status_code: number | null;
	error: string | null;
	created_at: number;
	next_attempt_at: number;
	sent_at: number | null;
}

/** The project's rules that are not deleted, oldest first. */
export async function listRules(db: D1Database, projectId: string): Promise<RuleRow[]> {
	const { results } = await db
		.prepare("SELECT * FROM alert_rules WHERE project_id = ? AND deleted_at IS NULL ORDER BY created_at")
		.bind(projectId)
		.all<RuleRow>();
	return results;
}

export function findRule(db: D1Database, projectId: string, id: string): Promise<RuleRow | null> {
	return db.prepare("SELECT * FROM alert_rules WHERE id = ? AND project_id = ? AND deleted_at IS NULL").bind(id, projectId).first<RuleRow>();
}

/** The cursor starts at `now`: a new rule alerts on what happens from here on, not on history. */
export async function insertRule(db: D1Database, row: RuleRow, now: number): Promise<void> {
	await db
		.prepare(
			`INSERT INTO alert_rules (id, project_id, name, kind, filters, params, destination_type, destination_display, destination_sealed, throttle_seconds, enabled, cursor_at, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		)
		.bind(
			row.id,
			row.project_id,
			row.name,
			row.kind,
			row.filters,
			row.params,
			row.destination_type,
			row.destination_display,
			row.destination_sealed,
			row.throttle_seconds,
			row.enabled,
			now,
			now,
			now,
		)
		.run();
}

/** Writes a changed rule back; a rule enabled again skips what happened while it was off (its cursor moves to `now`). */
export async function updateRule(db: D1Database, projectId: string, row: RuleRow, now: number, reenabled: boolean): Promise<void> {
	await db
		.prepare(
			`UPDATE alert_rules SET name = ?, filters = ?, params = ?, destination_type = ?, destination_display = ?, destination_sealed = ?, throttle_seconds = ?, enabled = ?, snoozed_until = ?, updated_at = ?,
				cursor_at = CASE WHEN ? THEN max(cursor_at, ?) ELSE cursor_at END
			 WHERE id = ? AND project_id = ?`,
		)
		.bind(
			row.name,
			row.filters,
			row.params,
			row.destination_type,
			row.destination_display,
			row.destination_sealed,
			row.throttle_seconds,
			row.enabled,
			row.snoozed_until,
			now,
			reenabled ? 1 : 0,
			now,
			row.id,
			projectId,
		)
		.run();
}

/** Soft-deletes a rule; false when the project has no such (undeleted) rule. */
export async function deleteRule(db: D1Database, projectId: string, id: string, now: number): Promise<boolean> {
	const { meta } = await db
		.prepare("UPDATE alert_rules SET deleted_at = ? WHERE id = ? AND project_id = ? AND deleted_at IS NULL")
		.bind(now, id, projectId)
		.run();
	return meta.changes > 0;
}

/** A rule's deliveries created before `before`, newest first. */
/**
 * A rule's deliveries, newest first (created_at, then id: a total order), after `after` when given: a keyset
 * page, so deliveries made in the same millisecond are neither skipped nor repeated across pages. `before`
 * (epoch ms, exclusive) is the older way in, kept for clients that send it.
 */
export async function listDeliveries(
	db: D1Database,
	ruleId: string,
	from: { before: number } | { after: { createdAt: number; id: string } },
	limit: number,
): Promise<DeliveryRow[]> {
	const statement =
		"after" in from
			? db
					.prepare(
						"SELECT * FROM alert_deliveries WHERE rule_id = ? AND (created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?",
					)
					.bind(ruleId, from.after.createdAt, from.after.createdAt, from.after.id, limit)
			: db
					.prepare("SELECT * FROM alert_deliveries WHERE rule_id = ? AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT ?")
					.bind(ruleId, from.before, limit);
	const { results } = await statement.all<DeliveryRow>();
	return results;
}

/** A pending test delivery for the rule, to be sent right away. */
export async function insertTestDelivery(db: D1Database, d: { id: string; ruleId: string; projectId: string; message: string; now: number }): Promise<void> {
	await db
		.prepare(
			"INSERT INTO alert_deliveries (id, rule_id, project_id, dedupe_key, subject, message, status, created_at, next_attempt_at) VALUES (?, ?, ?, ?, 'test', ?, 'pending', ?, ?)",
		)
		.bind(d.id, d.ruleId, d.projectId, `test:${d.id}`, d.message, d.now, d.now)
		.run();
}

export function findDelivery(db: D1Database, id: string): Promise<DeliveryRow | null> {
	return db.prepare("SELECT * FROM alert_deliveries WHERE id = ?").bind(id).first<DeliveryRow>();
}
