import { env } from "cloudflare:test";
import type { AlertRuleKind } from "#core/alerts/alert-rule-input";
import { seal } from "#core/alerts/secret-box";
import { displayWebhookUrl } from "#core/alerts/webhook-url";
import { newId } from "#core/ids";

export interface TestRule {
	projectId: string;
	kind: AlertRuleKind;
	url: string;
	type?: "slack" | "discord" | "webhook";
	filters?: Record<string, unknown>;
	params?: Record<string, unknown>;
	throttleSeconds?: number;
	snoozedUntil?: number;
	enabled?: boolean;
	cursorAt?: number;
	secret?: string;
}

/**
 * A rule stored exactly as the API stores one (sealed destination), for detect-worker tests
 * that have no API binding. Creating rules through the API is covered by the API's own tests.
 */
export async function insertRule(r: TestRule): Promise<{ id: string; secret: string }> {
	const id = newId("rule");
	const secret = r.secret ?? `whsec_test_${id}`;
	const at = r.cursorAt ?? Date.now() - 60_000;
	const sealed = await seal(env.ALERT_ENCRYPTION_KEY, id, JSON.stringify({ url: r.url, secret }));
	await env.DB.prepare(
		`INSERT INTO alert_rules (id, project_id, name, kind, filters, params, destination_type, destination_display, destination_sealed, throttle_seconds, enabled, snoozed_until, cursor_at, created_at, updated_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	)
		.bind(
			id,
			r.projectId,
			`${r.kind} rule`,
			r.kind,
			JSON.stringify(r.filters ?? {}),
			JSON.stringify(r.params ?? {}),
			r.type ?? "webhook",
			displayWebhookUrl(r.url),
			sealed,
			r.throttleSeconds ?? 0,
			r.enabled === false ? 0 : 1,
			r.snoozedUntil ?? null,
			at,
			at,
			at,
		)
		.run();
	return { id, secret };
}

export interface Received {
	headers: Record<string, string>;
	body: string;
	at: number;
}

export async function received(receiverUrl: string, name: string): Promise<Received[]> {
	return (await fetch(`${receiverUrl}/received/${name}`)).json();
}

export async function deliveries(ruleId: string) {
	const { results } = await env.DB.prepare(
		"SELECT id, status, attempts, status_code, error, subject, dedupe_key, next_attempt_at, message FROM alert_deliveries WHERE rule_id = ? ORDER BY created_at, id",
	)
		.bind(ruleId)
		.all<{
			id: string;
			status: string;
			attempts: number;
			status_code: number | null;
			error: string | null;
			subject: string;
			dedupe_key: string;
			next_attempt_at: number;
			message: string;
		}>();
	return results;
}
