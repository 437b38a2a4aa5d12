import { env, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { verifyWebhook } from "#core/alerts/webhook-signature";
import { seedAdminKey } from "../../shared/test/admin-key";
import { dashboardUrl } from "#shared/alerts/alert-delivery";
import { received } from "../../shared/test/alert-rules";
import { ev, sig, store } from "./seed-events";
import { authed, seedProject, type TestProject } from "../../shared/test/seed-project";

const RECEIVER = inject("receiverUrl");
let project: TestProject;
let admin: string;
let n = 0;

beforeEach(async () => {
	project = await seedProject();
	admin = await seedAdminKey(project.projectId);
	n++;
});

const call = (method: string, path: string, key: string, body?: unknown) => SELF.fetch(`https://api.test${path}`, authed(key, body, { method }));
const hookName = (kind: string) => `api-${kind}-${n}-${project.projectId}`;
const webhookRule = (extra: Record<string, unknown> = {}) => ({
	name: "New issues to our receiver",
	kind: "new_issue",
	destination: { type: "webhook", url: `${RECEIVER}/hook/${hookName("ok")}` },
	...extra,
});

async function create(body: unknown, key = admin) {
	const res = await call("POST", "/api/alerts/rules", key, body);
	return {
		status: res.status,
		body: (await res.json()) as {
			data: Record<string, unknown> & { id: string; secret?: string };
			error?: { code: string; details?: Array<{ field: string; message: string }> };
		},
	};
}

describe("alert rules API", () => {
	it("creates a webhook rule, shows its signing secret once, and stores the destination sealed", async () => {
		const { status, body } = await create(webhookRule({ filters: { signals: ["refusal"], models: ["gpt-x"], properties: { plan: "pro" } } }));
		expect(status).toBe(201);
		expect(body.data.secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
		expect(body.data).toMatchObject({
			kind: "new_issue",
			status: "active",
			throttle_minutes: 0,
			destination: { type: "webhook" },
			filters: { signals: ["refusal"], properties: { plan: "pro" } },
		});
		const listed = (await (await call("GET", "/api/alerts/rules", project.readKey)).json()) as { data: Array<Record<string, unknown>> };
		expect(listed.data).toHaveLength(1);
		expect(JSON.stringify(listed.data)).not.toContain(body.data.secret!);
		expect(JSON.stringify(listed.data)).not.toContain(hookName("ok"));
		const row = await env.DB.prepare("SELECT destination_sealed FROM alert_rules WHERE id = ?").bind(body.data.id).first<{ destination_sealed: string }>();
		expect(row!.destination_sealed).not.toContain("127.0.0.1");
		expect(row!.destination_sealed).not.toContain(body.data.secret!);
	});

	it("sends a test alert on request, signed with the rule's secret, and logs the delivery", async () => {
		const { body } = await create(webhookRule());
		const res = await call("POST", `/api/alerts/rules/${body.data.id}/test`, admin, {});
		expect(res.status).toBe(201);
		const delivery = ((await res.json()) as { data: { status: string; status_code: number; kind: string } }).data;
		expect(delivery).toMatchObject({ status: "sent", status_code: 200, kind: "test" });
		const got = await received(RECEIVER, hookName("ok"));
		expect(got).toHaveLength(1);
		expect(JSON.parse(got[0]!.body)).toMatchObject({ type: "barometer.alert.test", project_id: project.projectId });
		const headers = { signature: got[0]!.headers["barometer-signature"]!, timestamp: got[0]!.headers["barometer-timestamp"]! };
		expect(await verifyWebhook(body.data.secret!, headers, got[0]!.body)).toBe(true);
		const log = (await (await call("GET", `/api/alerts/rules/${body.data.id}/deliveries`, project.readKey)).json()) as {
			data: Array<{ status: string; status_code: number }>;
		};
		expect(log.data).toEqual([expect.objectContaining({ status: "sent", status_code: 200 })]);
	});

	it("pages the delivery log by its cursor: page 2 continues page 1, deliveries of the same millisecond neither skipped nor repeated", async () => {
		const { body } = await create(webhookRule());
		const message = JSON.stringify({
			kind: "test",
			project_id: project.projectId,
			rule: { id: body.data.id, name: "r" },
			title: "t",
			summary: "s",
			link: "",
			at: "",
		});
		// Seven deliveries, three of them made in the same millisecond.
		for (const [i, at] of [1000, 2000, 2000, 2000, 3000, 4000, 5000].entries()) {
			await env.DB.prepare(
				"INSERT INTO alert_deliveries (id, rule_id, project_id, dedupe_key, subject, message, status, created_at, next_attempt_at) VALUES (?, ?, ?, ?, 'test', ?, 'sent', ?, ?)",
			)
				.bind(`alr_page${i}`, body.data.id, project.projectId, `page${i}`, message, at, at)
				.run();
		}
		type Page = { data: { id: string }[]; next_cursor: string | null };
		const path = `/api/alerts/rules/${body.data.id}/deliveries`;
		const whole = (await (await call("GET", `${path}?limit=200`, project.readKey)).json()) as Page;
		expect(whole.data).toHaveLength(7);
		expect(whole.next_cursor).toBeNull();
		const ids: string[] = [];
		let cursor = "";
		for (let page = 0; page < 10; page++) {
			const res = await call("GET", `${path}?limit=2${cursor}`, project.readKey);
			expect(res.status).toBe(200);
			const got = (await res.json()) as Page;
			ids.push(...got.data.map((d) => d.id));
			if (!got.next_cursor) break;
			cursor = `&cursor=${got.next_cursor}`;
		}
		expect(ids).toEqual(whole.data.map((d) => d.id));
		expect(new Set(ids).size).toBe(7);
		const exact = (await (await call("GET", `${path}?limit=7`, project.readKey)).json()) as Page;
		expect(exact.next_cursor).toBeNull();
		expect((await call("GET", `${path}?cursor=nonsense`, project.readKey)).status).toBe(400);
	});

	it("in local development, links point where the dev gateway says the dashboard is served", async () => {
		const { body } = await create(webhookRule());
		const res = await SELF.fetch(
			`https://api.test/api/alerts/rules/${body.data.id}/test`,
			authed(admin, {}, { headers: { "x-dashboard-url": "http://localhost:9123" } }),
		);
		expect(((await res.json()) as { data: { message: { link: string } } }).data.message.link).toBe("http://localhost:9123");
		const plain = await call("POST", `/api/alerts/rules/${body.data.id}/test`, admin, {});
		expect(((await plain.json()) as { data: { message: { link: string } } }).data.message.link).toBe("http://localhost:8787");
		// Outside local development the header is ignored.
		expect(dashboardUrl({ DB: env.DB, DASHBOARD_URL: "https://dash.example.com/" }, "https://evil.example")).toBe("https://dash.example.com");
	});

	it("rotating the secret returns a new one once; later tests are signed with it", async () => {
		const { body } = await create(webhookRule());
		const res = await call("PATCH", `/api/alerts/rules/${body.data.id}`, admin, { rotate_secret: true });
		const rotated = ((await res.json()) as { data: { secret: string } }).data.secret;
		expect(rotated).toMatch(/^whsec_/);
		expect(rotated).not.toBe(body.data.secret);
		const renamed = (await (await call("PATCH", `/api/alerts/rules/${body.data.id}`, admin, { name: "Renamed" })).json()) as { data: Record<string, unknown> };
		expect(renamed.data.secret).toBeUndefined();
		await call("POST", `/api/alerts/rules/${body.data.id}/test`, admin, {});
		const [got] = await received(RECEIVER, hookName("ok"));
		const headers = { signature: got!.headers["barometer-signature"]!, timestamp: got!.headers["barometer-timestamp"]! };
		expect(await verifyWebhook(rotated, headers, got!.body)).toBe(true);
		expect(await verifyWebhook(body.data.secret!, headers, got!.body)).toBe(false);
	});

	it("snoozes, disables and re-enables a rule, and changes its throttle", async () => {
		const { body } = await create(
			webhookRule({ kind: "threshold", threshold: { subject: { signal: "refusal" }, metric: "percent_users", value: 10, window_minutes: 60 } }),
		);
		expect(body.data.throttle_minutes).toBe(60);
		const patch = async (p: unknown) =>
			((await (await call("PATCH", `/api/alerts/rules/${body.data.id}`, admin, p)).json()) as { data: Record<string, unknown> }).data;
		expect(await patch({ snooze_minutes: 120 })).toMatchObject({ status: "snoozed", snoozed_until: expect.any(String) });
		expect(await patch({ snooze_minutes: 0, enabled: false })).toMatchObject({ status: "disabled", snoozed_until: null });
		expect(await patch({ enabled: true, throttle_minutes: 5 })).toMatchObject({ status: "active", throttle_minutes: 5 });
	});

	it("names the field of an invalid rule", async () => {
		const cases: Array<[unknown, string]> = [
			[{ name: "x", kind: "new_issue" }, "destination"],
			[{ name: "x", kind: "threshold", destination: { type: "slack", url: "https://hooks.slack.com/services/a" } }, "threshold"],
			[{ name: "x", kind: "sometimes", destination: { type: "slack", url: "https://hooks.slack.com/services/a" } }, "kind"],
			[
				webhookRule({ threshold: { subject: { signal: "refusal" }, metric: "percent_users", value: 150, window_minutes: 60 }, kind: "threshold" }),
				"threshold.value",
			],
			[webhookRule({ filters: { colour: ["red"] } }), "filters"],
		];
		for (const [rule, field] of cases) {
			const { status, body } = await create(rule);
			expect(status, JSON.stringify(rule)).toBe(400);
			expect(body.error!.details!.map((d) => d.field)).toContain(field);
		}
	});

	it("daily brief: takes an hour (8 by default), changes it, and names the field it refuses", async () => {
		const brief = (extra: Record<string, unknown> = {}) => webhookRule({ name: "Morning brief", kind: "daily_brief", ...extra });
		const byDefault = await create(brief());
		expect(byDefault.status).toBe(201);
		expect(byDefault.body.data).toMatchObject({ kind: "daily_brief", brief_hour_utc: 8, throttle_minutes: 0 });
		const { status, body } = await create(brief({ brief_hour_utc: 17, filters: { signals: ["refusal"] } }));
		expect(status).toBe(201);
		expect(body.data).toMatchObject({ brief_hour_utc: 17, filters: { signals: ["refusal"] } });
		const patch = (id: string, p: unknown) => call("PATCH", `/api/alerts/rules/${id}`, admin, p);
		const changed = await patch(body.data.id, { brief_hour_utc: 0 });
		expect(((await changed.json()) as { data: Record<string, unknown> }).data).toMatchObject({ brief_hour_utc: 0 });
		const listed = (await (await call("GET", "/api/alerts/rules", project.readKey)).json()) as { data: Array<Record<string, unknown>> };
		expect(listed.data.map((r) => r.brief_hour_utc)).toEqual([8, 0]);

		const refused: Array<[Response | Promise<Response>, string, RegExp]> = [
			[call("POST", "/api/alerts/rules", admin, brief({ brief_hour_utc: 24 })), "brief_hour_utc", /at most 23/],
			[call("POST", "/api/alerts/rules", admin, brief({ brief_hour_utc: 7.5 })), "brief_hour_utc", /whole hour/],
			[call("POST", "/api/alerts/rules", admin, brief({ brief_hour_utc: "08" })), "brief_hour_utc", /is required|whole hour/],
			[call("POST", "/api/alerts/rules", admin, webhookRule({ brief_hour_utc: 8 })), "brief_hour_utc", /only applies to daily brief rules/],
			[call("POST", "/api/alerts/rules", admin, brief({ throttle_minutes: 30 })), "throttle_minutes", /one brief a day/],
			[patch(body.data.id, { throttle_minutes: 30 }), "throttle_minutes", /one brief a day/],
			[patch(body.data.id, { min_users: 3 }), "min_users", /only applies to escalating rules/],
			[patch(body.data.id, { brief_hour_utc: -1 }), "brief_hour_utc", /at least 0/],
		];
		const other = await create(webhookRule());
		refused.push([patch(other.body.data.id, { brief_hour_utc: 9 }), "brief_hour_utc", /only applies to daily brief rules/]);
		for (const [response, field, message] of refused) {
			const res = await response;
			expect(res.status, field).toBe(400);
			const error = ((await res.json()) as { error: { details: Array<{ field: string; message: string }> } }).error;
			expect(error.details.find((d) => d.field === field)?.message, field).toMatch(message);
		}
	});

	it("daily brief: send test delivers the brief of the last 24 h until now, marked as a test", async () => {
		const p = project.projectId;
		const t = Date.now() - 60 * 60_000;
		await store([
			ev(p, "b1", t, { user_id: "ua", convo_id: "b1" }),
			ev(p, "b2", t, { user_id: "ub", convo_id: "b2" }),
			sig(p, "b1", "thumbs_up", { user_id: "ua", timestamp: t }),
		]);
		await env.DB.prepare(
			"INSERT INTO issues (id, project_id, signal, title, description, state, model, first_seen, last_seen, created_at) VALUES (?, ?, 'refusal', 'Refuses to book flights', 'x', 'escalating', 'm', ?, ?, ?)",
		)
			.bind(`iss_brief_${n}`, p, t, t, t - 30 * 86_400_000)
			.run();
		const { body } = await create(
			webhookRule({ name: "Morning brief", kind: "daily_brief", destination: { type: "webhook", url: `${RECEIVER}/hook/${hookName("brief")}` } }),
		);
		const res = await call("POST", `/api/alerts/rules/${body.data.id}/test`, admin, {});
		expect(res.status).toBe(201);
		expect(((await res.json()) as { data: { status: string; kind: string } }).data).toMatchObject({ status: "sent", kind: "test" });
		const [got] = await received(RECEIVER, hookName("brief"));
		const sent = JSON.parse(got!.body);
		expect(sent).toMatchObject({
			type: "barometer.alert.test",
			title: expect.stringMatching(/^Test: Daily brief for \d{4}-\d\d-\d\d \(the last 24 h until now\)$/),
		});
		expect(sent.brief).toMatchObject({ active_users: 2, wins: { items: [{ signal: "thumbs_up", users: 1, users_pct: 50 }], more: 0 } });
		expect(sent.brief.escalating.items).toEqual([expect.objectContaining({ id: `iss_brief_${n}`, link: `${dashboardUrl(env)}/issues/iss_brief_${n}` })]);
	});

	it("refuses plain http, private, link-local and metadata destinations", async () => {
		for (const url of [
			"http://example.com/hook",
			"https://169.254.169.254/latest",
			"https://10.1.2.3/x",
			"https://[::1]/x",
			"https://localhost/x",
			"https://metadata.google.internal/x",
			"https://user:pw@example.com/x",
			"https://[fd00::1]/x",
		]) {
			const { status, body } = await create(webhookRule({ destination: { type: "webhook", url } }));
			expect(status, url).toBe(400);
			expect(body.error!.code).toBe("invalid_destination");
			expect(body.error!.details![0]!.field).toBe("destination.url");
		}
	});

	it("read keys only read; another project sees none of it", async () => {
		const { body } = await create(webhookRule());
		expect((await create(webhookRule(), project.readKey)).status).toBe(403);
		expect((await call("POST", `/api/alerts/rules/${body.data.id}/test`, project.readKey, {})).status).toBe(403);
		expect((await call("DELETE", `/api/alerts/rules/${body.data.id}`, project.readKey)).status).toBe(403);
		const other = await seedProject("Other");
		const otherAdmin = await seedAdminKey(other.projectId);
		expect((await call("GET", `/api/alerts/rules/${body.data.id}`, other.readKey)).status).toBe(404);
		expect((await call("GET", `/api/alerts/rules/${body.data.id}/deliveries`, other.readKey)).status).toBe(404);
		expect((await call("POST", `/api/alerts/rules/${body.data.id}/test`, otherAdmin, {})).status).toBe(404);
		expect((await call("PATCH", `/api/alerts/rules/${body.data.id}`, otherAdmin, { enabled: false })).status).toBe(404);
		expect(((await (await call("GET", "/api/alerts/rules", other.readKey)).json()) as { data: unknown[] }).data).toEqual([]);
	});

	it("deletes a rule", async () => {
		const { body } = await create(webhookRule());
		expect((await call("DELETE", `/api/alerts/rules/${body.data.id}`, admin)).status).toBe(204);
		expect((await call("GET", `/api/alerts/rules/${body.data.id}`, project.readKey)).status).toBe(404);
	});
});
