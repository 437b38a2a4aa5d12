import { ALERT_MAX_ATTEMPTS, alertRetryDelayMs, type AlertMessage } from "#core/alerts/alert-message";
import { alertDestination, type WebhookRequest } from "#core/alerts/destinations";
import { unseal } from "#core/alerts/secret-box";

/** Settings the alert code reads; vars come from wrangler.toml, the key from `wrangler secret put`. */
export interface AlertEnv {
	DB: D1Database;
	ALERT_ENCRYPTION_KEY?: string;
	/** "true" in local development: plain http to localhost is a valid destination. */
	ALERTS_ALLOW_LOCALHOST?: string;
	/** "local": only loopback destinations are really sent; others are recorded (no network in dev). */
	ALERT_DELIVERY_MODE?: string;
	ALERT_WEBHOOK_TIMEOUT_MS?: string;
	DASHBOARD_URL?: string;
}

export type { WebhookRequest } from "#core/alerts/destinations";
export type WebhookResult = { status: number } | { error: string } | { recorded: true };

/** The port alerts go out through: real fetch in production, a recording outbox for non-local URLs in dev. */
export interface WebhookSender {
	send(request: WebhookRequest, timeoutMs: number): Promise<WebhookResult>;
}

export const fetchSender: WebhookSender = {
	async send({ url, headers, body }, timeoutMs) {
		try {
			// Never follow redirects: a public URL must not bounce the request to an internal one.
			const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
			await res.body?.cancel();
			return { status: res.status };
		} catch (err) {
			const name = (err as Error)?.name;
			return {
				error:
					name === "TimeoutError" || name === "AbortError" ? `timed out after ${timeoutMs} ms` : `network error: ${(err as Error)?.message ?? String(err)}`,
			};
		}
	},
};

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Local development: a local receiver gets real requests; Slack, Discord and the like are recorded, not sent. */
export function localOutboxSender(real: WebhookSender = fetchSender): WebhookSender {
	return {
		send: (request, timeoutMs) => (LOOPBACK.has(new URL(request.url).hostname) ? real.send(request, timeoutMs) : Promise.resolve({ recorded: true })),
	};
}

export function senderFor(env: AlertEnv): WebhookSender {
	return env.ALERT_DELIVERY_MODE === "local" ? localOutboxSender() : fetchSender;
}

export const urlPolicy = (env: AlertEnv) => ({ allowLocalhost: env.ALERTS_ALLOW_LOCALHOST === "true" });

export function encryptionKey(env: AlertEnv): string {
	if (!env.ALERT_ENCRYPTION_KEY)
		throw new Error("ALERT_ENCRYPTION_KEY is not set (wrangler secret put ALERT_ENCRYPTION_KEY; locally npm start writes .dev.vars)");
	return env.ALERT_ENCRYPTION_KEY;
}

/** What is sealed per rule: the destination URL and, for generic webhooks, the signing secret. */
export interface SealedDestination {
	url: string;
	secret?: string;
}

interface ClaimedDelivery {
	id: string;
	rule_id: string;
	message: string;
	attempts: number;
}

const LEASE_MS = 60_000;

/**
 * Sends one delivery if it is due and nobody else holds it: the conditional UPDATE is the lease,
 * so two cron runs (or a cron and a "send test") never send the same row twice.
 */
export async function sendDelivery(env: AlertEnv, sender: WebhookSender, deliveryId: string, now: number): Promise<string | null> {
	const claimed = await env.DB.prepare(
		`UPDATE alert_deliveries SET status = 'sending', lease_until = ?2, attempts = attempts + 1, last_attempt_at = ?1
		 WHERE id = ?3 AND ((status = 'pending' AND next_attempt_at <= ?1) OR (status = 'sending' AND lease_until < ?1))
		 RETURNING id, rule_id, message, attempts`,
	)
		.bind(now, now + LEASE_MS, deliveryId)
		.first<ClaimedDelivery>();
	if (!claimed) return null;
	const outcome = await attempt(env, sender, claimed);
	const finish = (status: string, statusCode: number | null, error: string | null, nextAttemptAt = now) =>
		env.DB.prepare(
			"UPDATE alert_deliveries SET status = ?, status_code = ?, error = ?, next_attempt_at = ?, lease_until = NULL, sent_at = CASE WHEN ? IN ('sent', 'recorded') THEN ? ELSE sent_at END WHERE id = ? AND status = 'sending'",
		)
			.bind(status, statusCode, error, nextAttemptAt, status, now, claimed.id)
			.run();
	if ("recorded" in outcome) await finish("recorded", null, "local development: recorded, not sent");
	else if ("fatal" in outcome) await finish("failed", null, outcome.fatal);
	else {
		const code = "status" in outcome ? outcome.status : null;
		const ok = code !== null && code >= 200 && code < 300;
		const retryable = code === null || code === 408 || code === 429 || code >= 500;
		const error = ok ? null : "error" in outcome ? outcome.error : code! >= 300 && code! < 400 ? `HTTP ${code}: redirects are not followed` : `HTTP ${code}`;
		if (ok) await finish("sent", code, null);
		else if (retryable && claimed.attempts < ALERT_MAX_ATTEMPTS) await finish("pending", code, error, now + alertRetryDelayMs(claimed.attempts));
		else await finish("failed", code, retryable ? `${error} (gave up after ${claimed.attempts} attempts)` : error);
	}
	return claimed.id;
}

async function attempt(env: AlertEnv, sender: WebhookSender, d: ClaimedDelivery): Promise<WebhookResult | { fatal: string }> {
	const rule = await env.DB.prepare("SELECT destination_type, destination_sealed FROM alert_rules WHERE id = ? AND deleted_at IS NULL")
		.bind(d.rule_id)
		.first<{ destination_type: string; destination_sealed: string }>();
	if (!rule) return { fatal: "the rule was deleted" };
	let dest: SealedDestination;
	try {
		dest = JSON.parse(await unseal(encryptionKey(env), d.rule_id, rule.destination_sealed)) as SealedDestination;
	} catch (err) {
		return { fatal: `cannot open the destination: ${(err as Error).message}` };
	}
	const destination = alertDestination(rule.destination_type);
	if (!destination) return { fatal: `unknown destination type ${rule.destination_type}` };
	const problem = destination.urlProblem(dest.url, urlPolicy(env));
	if (problem) return { fatal: `destination URL ${problem}` };
	const message = JSON.parse(d.message) as AlertMessage;
	const request = await destination.request(message, { deliveryId: d.id, target: dest, timestamp: Math.floor(Date.now() / 1000) });
	return sender.send(request, Number(env.ALERT_WEBHOOK_TIMEOUT_MS) || 10_000);
}

/** Every delivery that is due (new, a retry whose backoff passed, or a send that crashed), a few at a time. */
export async function sendDueDeliveries(env: AlertEnv, sender: WebhookSender, now: number, limit = 100): Promise<number> {
	const { results } = await env.DB.prepare(
		`SELECT id FROM alert_deliveries WHERE (status = 'pending' AND next_attempt_at <= ?1) OR (status = 'sending' AND lease_until < ?1) ORDER BY next_attempt_at LIMIT ?2`,
	)
		.bind(now, limit)
		.all<{ id: string }>();
	let sent = 0;
	for (let i = 0; i < results.length; i += 6) {
		const done = await Promise.all(results.slice(i, i + 6).map((r) => sendDelivery(env, sender, r.id, now)));
		sent += done.filter(Boolean).length;
	}
	return sent;
}

/**
 * Where alert links point: DASHBOARD_URL, except in local development, where the dev gateway tells
 * the workers the URL it is actually served at (`x-dashboard-url`). Never trusted in production.
 */
export function dashboardUrl(env: AlertEnv, forwardedUrl?: string | null): string {
	const local = env.ALERT_DELIVERY_MODE === "local" && forwardedUrl && /^https?:\/\/[^/]+$/.test(forwardedUrl) ? forwardedUrl : undefined;
	return (local ?? env.DASHBOARD_URL ?? "http://localhost:8787").replace(/\/+$/, "");
}
