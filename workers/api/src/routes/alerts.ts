import { Hono } from "hono";
import { decodeCursor, encodeCursor } from "#core/event-query";
import type { z } from "zod";
import type { AlertMessage } from "#core/alerts/alert-message";
import {
	alertRuleInputSchema,
	alertRulePatchSchema,
	DEFAULT_BRIEF_HOUR_UTC,
	defaultThrottleMinutes,
	type ThresholdParams,
} from "#core/alerts/alert-rule-input";
import { alertDestination, type AlertDestinationType } from "#core/alerts/destinations";
import { seal, unseal } from "#core/alerts/secret-box";
import { displayWebhookUrl } from "#core/alerts/webhook-url";
import { fieldErrors } from "#core/api-errors";
import type {
	AlertDelivery,
	alertDeliveryPageSchema,
	alertDeliveryResponseSchema,
	AlertRule,
	alertRuleListSchema,
	alertRuleResponseSchema,
} from "#core/api/alerts";
import { newId, randomToken } from "#core/ids";
import { dashboardUrl, encryptionKey, sendDelivery, senderFor, urlPolicy, type SealedDestination } from "#shared/alerts/alert-delivery";
import { dailyBriefMessage } from "#shared/alerts/daily-brief-facts";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import {
	deleteRule,
	findDelivery,
	findRule,
	insertRule,
	insertTestDelivery,
	listDeliveries,
	listRules,
	updateRule,
	type DeliveryRow,
	type RuleRow,
} from "#shared/stores/alert-rule-store";
import type { ApiContext } from "../api-env";
import { issueExists } from "../reads/issue-reads";
import { intQuery } from "../http/query-params";
import { requireAdmin } from "../http/require-admin";

function iso(ms: number): string;
function iso(ms: number | null): string | null;
function iso(ms: number | null) {
	return ms === null ? null : new Date(ms).toISOString();
}

function ruleView(r: RuleRow, now = Date.now()): AlertRule {
	const params = JSON.parse(r.params) as { threshold?: ThresholdParams; min_users?: number; brief_hour_utc?: number };
	const snoozed = r.snoozed_until !== null && r.snoozed_until > now;
	return {
		id: r.id,
		name: r.name,
		kind: r.kind,
		filters: JSON.parse(r.filters),
		...params,
		destination: { type: r.destination_type, display: r.destination_display },
		throttle_minutes: r.throttle_seconds / 60,
		enabled: r.enabled === 1,
		snoozed_until: snoozed ? iso(r.snoozed_until) : null,
		status: !r.enabled ? "disabled" : snoozed ? "snoozed" : "active",
		created_at: iso(r.created_at),
		updated_at: iso(r.updated_at),
	};
}

function deliveryView(d: DeliveryRow): AlertDelivery {
	const m = JSON.parse(d.message) as AlertMessage;
	return {
		id: d.id,
		kind: m.kind,
		title: m.title,
		subject: d.subject,
		status: d.status,
		attempts: d.attempts,
		status_code: d.status_code,
		error: d.error,
		created_at: iso(d.created_at),
		next_attempt_at: d.status === "pending" ? iso(d.next_attempt_at) : null,
		sent_at: iso(d.sent_at),
		message: m,
	};
}

/** A daily brief rule's test is its brief of the last 24 h up to now, marked as a test (kind `test`). */
async function briefPreview(db: D1Database, rule: RuleRow, base: string, now: number): Promise<AlertMessage> {
	const brief = await dailyBriefMessage(db, { ...rule, filters: JSON.parse(rule.filters) }, base, now);
	return { ...brief, kind: "test", title: `Test: ${brief.title} (the last 24 h until now)` };
}

/** Validates a destination for this deployment, or names the field that is wrong. */
function checkDestination(c: { env: ApiContext["Bindings"] }, type: AlertDestinationType, url: string) {
	const problem = alertDestination(type).urlProblem(url, urlPolicy(c.env));
	if (problem) throw new ApiError(400, "invalid_destination", `destination.url ${problem}.`, [{ field: "destination.url", message: problem }]);
}

function requireKeyConfigured(env: ApiContext["Bindings"]): string {
	try {
		return encryptionKey(env);
	} catch (err) {
		throw new ApiError(503, "alerts_not_configured", (err as Error).message);
	}
}

const newSecret = () => `whsec_${randomToken(32)}`;

async function loadRule(c: { env: ApiContext["Bindings"]; get: (k: "projectId") => string }, id: string): Promise<RuleRow> {
	const row = await findRule(c.env.DB, c.get("projectId"), id);
	if (!row) throw new ApiError(404, "alert_rule_not_found", `No alert rule \`${id}\` in this project.`);
	return row;
}

async function checkThresholdSubject(c: { env: ApiContext["Bindings"]; get: (k: "projectId") => string }, t: ThresholdParams | undefined) {
	if (!t || !("issue_id" in t.subject)) return;
	if (!(await issueExists(c.env.DB, c.get("projectId"), t.subject.issue_id)))
		throw new ApiError(400, "invalid_body", "The threshold's issue is not in this project.", [
			{ field: "threshold.subject.issue_id", message: "no such issue in this project" },
		]);
}

/**
 * Alert rules: read with any read key; created, changed, tested and deleted with the admin key.
 * A generic webhook's signing secret is in the response that creates (or rotates) it, never again.
 */
export const alertRoutes = new Hono<ApiContext>()
	.get("/rules", async (c) => {
		const rules = await listRules(c.env.DB, c.get("projectId"));
		return c.json({ data: rules.map((r) => ruleView(r)) } satisfies z.infer<typeof alertRuleListSchema>);
	})
	.get("/rules/:id", async (c) => c.json({ data: ruleView(await loadRule(c, c.req.param("id"))) } satisfies z.infer<typeof alertRuleResponseSchema>))
	.post("/rules", requireAdmin, async (c) => {
		const parsed = alertRuleInputSchema.safeParse(await readJsonBody(c, 20_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The alert rule is not valid.", fieldErrors(parsed.error));
		const r = parsed.data;
		checkDestination(c, r.destination.type, r.destination.url);
		await checkThresholdSubject(c, r.threshold);
		const key = requireKeyConfigured(c.env);
		const id = newId("rule");
		const secret = alertDestination(r.destination.type).signed ? newSecret() : undefined;
		const now = Date.now();
		const row: RuleRow = {
			id,
			project_id: c.get("projectId"),
			name: r.name,
			kind: r.kind,
			filters: JSON.stringify(r.filters),
			params: JSON.stringify({
				...(r.threshold ? { threshold: r.threshold } : {}),
				...(r.kind === "escalating" ? { min_users: r.min_users ?? 5 } : {}),
				...(r.kind === "daily_brief" ? { brief_hour_utc: r.brief_hour_utc ?? DEFAULT_BRIEF_HOUR_UTC } : {}),
			}),
			destination_type: r.destination.type,
			destination_display: displayWebhookUrl(r.destination.url),
			destination_sealed: await seal(key, id, JSON.stringify({ url: r.destination.url, secret } satisfies SealedDestination)),
			throttle_seconds: (r.throttle_minutes ?? defaultThrottleMinutes(r.kind)) * 60,
			enabled: r.enabled ? 1 : 0,
			snoozed_until: null,
			firing: 0,
			// The cursor starts now: a new rule alerts on what happens from here on, not on history.
			cursor_at: now,
			created_at: now,
			updated_at: now,
		};
		await insertRule(c.env.DB, row, now);
		return c.json({ data: { ...ruleView(row), ...(secret ? { secret } : {}) } } satisfies z.infer<typeof alertRuleResponseSchema>, 201);
	})
	.patch("/rules/:id", requireAdmin, async (c) => {
		const parsed = alertRulePatchSchema.safeParse(await readJsonBody(c, 20_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The change is not valid.", fieldErrors(parsed.error));
		const p = parsed.data;
		const row = await loadRule(c, c.req.param("id"));
		if (p.threshold && row.kind !== "threshold")
			throw new ApiError(400, "invalid_body", "Only threshold rules have a threshold.", [{ field: "threshold", message: "only applies to threshold rules" }]);
		if (p.min_users !== undefined && row.kind !== "escalating")
			throw new ApiError(400, "invalid_body", "Only escalating rules have a minimum of users.", [
				{ field: "min_users", message: "only applies to escalating rules" },
			]);
		if (p.brief_hour_utc !== undefined && row.kind !== "daily_brief")
			throw new ApiError(400, "invalid_body", "Only daily brief rules have an hour.", [
				{ field: "brief_hour_utc", message: "only applies to daily brief rules" },
			]);
		if (p.throttle_minutes && row.kind === "daily_brief")
			throw new ApiError(400, "invalid_body", "A daily brief goes out once a day; it has no throttle.", [
				{ field: "throttle_minutes", message: "does not apply to daily brief rules (one brief a day)" },
			]);
		if (p.rotate_secret && !alertDestination(p.destination?.type ?? row.destination_type).signed) {
			throw new ApiError(400, "invalid_body", "Only generic webhooks have a signing secret.", [
				{ field: "rotate_secret", message: "only applies to webhook destinations" },
			]);
		}
		await checkThresholdSubject(c, p.threshold);
		const now = Date.now();
		let secret: string | undefined;
		if (p.destination || p.rotate_secret) {
			const key = requireKeyConfigured(c.env);
			const current = JSON.parse(await unseal(key, row.id, row.destination_sealed)) as SealedDestination;
			const url = p.destination?.url ?? current.url;
			if (p.destination) checkDestination(c, p.destination.type, url);
			const type = p.destination?.type ?? row.destination_type;
			if (alertDestination(type).signed) secret = p.rotate_secret || !current.secret ? newSecret() : current.secret;
			row.destination_type = type;
			row.destination_display = displayWebhookUrl(url);
			row.destination_sealed = await seal(key, row.id, JSON.stringify({ url, secret } satisfies SealedDestination));
			if (secret === current.secret) secret = undefined;
		}
		if (p.name !== undefined) row.name = p.name;
		if (p.filters) row.filters = JSON.stringify(p.filters);
		const params = JSON.parse(row.params) as Record<string, unknown>;
		if (p.threshold) params.threshold = p.threshold;
		if (p.min_users !== undefined) params.min_users = p.min_users;
		if (p.brief_hour_utc !== undefined) params.brief_hour_utc = p.brief_hour_utc;
		row.params = JSON.stringify(params);
		if (p.throttle_minutes !== undefined) row.throttle_seconds = p.throttle_minutes * 60;
		if (p.snooze_minutes !== undefined) row.snoozed_until = p.snooze_minutes === 0 ? null : now + p.snooze_minutes * 60_000;
		const reenabled = p.enabled === true && row.enabled === 0;
		if (p.enabled !== undefined) row.enabled = p.enabled ? 1 : 0;
		row.updated_at = now;
		await updateRule(c.env.DB, c.get("projectId"), row, now, reenabled);
		return c.json({ data: { ...ruleView(row), ...(secret ? { secret } : {}) } } satisfies z.infer<typeof alertRuleResponseSchema>);
	})
	.delete("/rules/:id", requireAdmin, async (c) => {
		if (!(await deleteRule(c.env.DB, c.get("projectId"), c.req.param("id"), Date.now())))
			throw new ApiError(404, "alert_rule_not_found", `No alert rule \`${c.req.param("id")}\` in this project.`);
		return c.body(null, 204);
	})
	.get("/rules/:id/deliveries", async (c) => {
		const rule = await loadRule(c, c.req.param("id"));
		const limit = intQuery(c, "limit", { min: 1, max: 200, fallback: 50 });
		const before = intQuery(c, "before", { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: Number.MAX_SAFE_INTEGER });
		const cursor = c.req.query("cursor");
		// The list's (time, id) cursor shape, here a delivery's created_at and id.
		const after = cursor === undefined ? undefined : decodeCursor(cursor);
		if (cursor !== undefined && !after)
			throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", [{ field: "cursor", message: "is not a cursor returned by this API" }]);
		// One row past the page says whether another page follows.
		const rows = await listDeliveries(c.env.DB, rule.id, after ? { after: { createdAt: after.timestamp, id: after.eventId } } : { before }, limit + 1);
		const page = rows.slice(0, limit);
		const last = page.at(-1);
		const more = rows.length > limit && last;
		return c.json({
			data: page.map(deliveryView),
			next_before: more ? last.created_at : null,
			next_cursor: more ? encodeCursor({ timestamp: last.created_at, eventId: last.id }) : null,
		} satisfies z.infer<typeof alertDeliveryPageSchema>);
	})
	.post("/rules/:id/test", requireAdmin, async (c) => {
		const rule = await loadRule(c, c.req.param("id"));
		requireKeyConfigured(c.env);
		const now = Date.now();
		const base = dashboardUrl(c.env, c.req.header("x-dashboard-url"));
		const message: AlertMessage =
			rule.kind === "daily_brief"
				? await briefPreview(c.env.DB, rule, base, now)
				: {
						kind: "test",
						project_id: rule.project_id,
						rule: { id: rule.id, name: rule.name },
						title: "Test alert from Barometer",
						summary: `This is a test of the rule “${rule.name}”. When it fires, messages like this one arrive here.`,
						link: base,
						at: new Date(now).toISOString(),
					};
		const id = newId("alr");
		await insertTestDelivery(c.env.DB, { id, ruleId: rule.id, projectId: rule.project_id, message: JSON.stringify(message), now });
		// Sent right away; if the destination fails with a retryable error, the cron retries it.
		await sendDelivery(c.env, senderFor(c.env), id, now);
		const row = await findDelivery(c.env.DB, id);
		return c.json({ data: deliveryView(row!) } satisfies z.infer<typeof alertDeliveryResponseSchema>, 201);
	});
