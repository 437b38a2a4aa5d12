import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { verifyWebhook } from "#core/alerts/webhook-signature";
import { stateChangeStatement } from "#shared/stores/issue-store";
import { deliveries, insertRule, received } from "../../shared/test/alert-rules";
import worker from "../src";
import { batchOf, eventMessage } from "./messages";
import { CONTACT_REFUSALS } from "../../shared/test/refusal-texts";

const DAY = 24 * 60 * 60_000;

const RECEIVER = inject("receiverUrl");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CONTACTS = CONTACT_REFUSALS;

let PROJECT = "";
let n = 0;
beforeEach(() => {
	PROJECT = `prj_alerts_${++n}_${Date.now()}`;
});

const hookName = (kind: string) => `${kind}-${PROJECT}`;
const hook = (kind: string) => `${RECEIVER}/hook/${hookName(kind)}`;

async function cron(scheduledTime = Date.now()) {
	const ctx = createExecutionContext();
	await worker.scheduled!(createScheduledController({ cron: "* * * * *", scheduledTime }), env, ctx);
	await waitOnExecutionContext(ctx);
}

async function consume(messages: ReturnType<typeof eventMessage>[]) {
	const ctx = createExecutionContext();
	await worker.queue!(batchOf(messages), env, ctx);
	await waitOnExecutionContext(ctx);
}

const refusals = (from: number, to: number, t = Date.now() - HOUR, prefix = "c") =>
	CONTACTS.slice(from, to).map((output, i) =>
		eventMessage(PROJECT, `${prefix}${from + i}`, {
			timestamp: t + i,
			convo_id: `${prefix}${from + i}`,
			user_id: `${prefix}u${from + i}`,
			input: "Call my sister",
			output,
		}),
	);

async function onlyIssue() {
	const rows = (await env.DB.prepare("SELECT id, state FROM issues WHERE project_id = ?").bind(PROJECT).all<{ id: string; state: string }>()).results;
	expect(rows).toHaveLength(1);
	return rows[0]!;
}

const resolve = (id: string, at = Date.now()) => env.DB.prepare("UPDATE issues SET state = 'resolved', resolved_at = ? WHERE id = ?").bind(at, id).run();

describe("alert rules on the cron", () => {
	it("sends a new issue once to a signed webhook, even when the cron runs twice at once and again later", async () => {
		const { secret } = await insertRule({ projectId: PROJECT, kind: "new_issue", url: hook("new") });
		await consume(refusals(0, 4));
		const issue = await onlyIssue();
		const t = Date.now();
		await Promise.all([cron(t), cron(t)]);
		await cron(t + MINUTE);
		const got = await received(RECEIVER, hookName("new"));
		expect(got).toHaveLength(1);
		const body = JSON.parse(got[0]!.body);
		expect(body).toMatchObject({ type: "barometer.alert.new_issue", project_id: PROJECT, issue: { id: issue.id, users: 4, events: 4, signal: "refusal" } });
		expect(body.link).toBe(`http://localhost:8787/issues/${issue.id}`);
		expect(body.title).toMatch(/^New issue: /);
		const headers = { signature: got[0]!.headers["barometer-signature"]!, timestamp: got[0]!.headers["barometer-timestamp"]! };
		expect(await verifyWebhook(secret, headers, got[0]!.body)).toBe(true);
		expect(await verifyWebhook("whsec_someone_else", headers, got[0]!.body)).toBe(false);
		expect(await verifyWebhook(secret, headers, got[0]!.body.replace("refusal", "refusaL"))).toBe(false);
		expect(got[0]!.headers["barometer-delivery"]).toMatch(/^alr_/);
	});

	it("alerts when a resolved issue gets new events (regressed), and the throttle holds back a repeat", async () => {
		const rule = await insertRule({ projectId: PROJECT, kind: "regressed", url: hook("regressed"), throttleSeconds: 3600 });
		await consume(refusals(0, 4, Date.now() - 3 * HOUR));
		const issue = await onlyIssue();
		await resolve(issue.id, Date.now() - 2 * HOUR);
		await consume(refusals(4, 5, Date.now() - HOUR, "r"));
		expect((await onlyIssue()).state).toBe("regressed");
		await cron();
		// Resolved and regressed again within the hour: recorded as throttled, not sent.
		await resolve(issue.id, Date.now() - 30 * MINUTE);
		await consume(refusals(5, 6, Date.now() - 10 * MINUTE, "s"));
		expect((await onlyIssue()).state).toBe("regressed");
		await cron(Date.now() + 1000);
		const got = await received(RECEIVER, hookName("regressed"));
		expect(got).toHaveLength(1);
		expect(JSON.parse(got[0]!.body)).toMatchObject({ kind: "regressed", issue: { id: issue.id, state: "regressed" } });
		expect((await deliveries(rule.id)).map((d) => d.status)).toEqual(["sent", "throttled"]);
	});

	it("a snoozed or disabled rule sends nothing, and nothing from the snooze arrives afterwards", async () => {
		const snoozed = await insertRule({ projectId: PROJECT, kind: "new_issue", url: hook("snoozed"), snoozedUntil: Date.now() + HOUR });
		const disabled = await insertRule({ projectId: PROJECT, kind: "new_issue", url: hook("disabled"), enabled: false });
		await consume(refusals(0, 4));
		await cron();
		await env.DB.prepare("UPDATE alert_rules SET snoozed_until = NULL WHERE id = ?").bind(snoozed.id).run();
		await cron(Date.now() + MINUTE);
		expect(await deliveries(snoozed.id)).toEqual([]);
		expect(await deliveries(disabled.id)).toEqual([]);
		expect(await received(RECEIVER, hookName("snoozed"))).toEqual([]);
	});

	it("retries a 500 with backoff and succeeds, sending the same delivery id each time", async () => {
		const rule = await insertRule({ projectId: PROJECT, kind: "new_issue", url: hook("flaky2") });
		await consume(refusals(0, 4));
		const t = Date.now();
		await cron(t);
		let [d] = await deliveries(rule.id);
		expect(d).toMatchObject({ status: "pending", attempts: 1, status_code: 500 });
		expect(d!.next_attempt_at).toBeGreaterThan(t + 10_000);
		await cron(t + 1000); // before the backoff: not retried
		expect(await received(RECEIVER, hookName("flaky2"))).toHaveLength(1);
		await cron(d!.next_attempt_at);
		[d] = await deliveries(rule.id);
		await cron(d!.next_attempt_at);
		[d] = await deliveries(rule.id);
		expect(d).toMatchObject({ status: "sent", attempts: 3, status_code: 200 });
		const got = await received(RECEIVER, hookName("flaky2"));
		expect(got).toHaveLength(3);
		expect(new Set(got.map((g) => g.headers["barometer-delivery"])).size).toBe(1);
	});

	it("gives up after five 503s, fails a 410 at once, and does not follow a redirect", async () => {
		const down = await insertRule({ projectId: PROJECT, kind: "new_issue", url: hook("fail503") });
		const gone = await insertRule({ projectId: PROJECT, kind: "new_issue", url: hook("gone") });
		const moved = await insertRule({ projectId: PROJECT, kind: "new_issue", url: hook("redirect") });
		await consume(refusals(0, 4));
		let t = Date.now();
		for (let i = 0; i < 6; i++) {
			await cron(t);
			t = Math.max(t + 1, ...(await deliveries(down.id)).map((d) => d.next_attempt_at));
		}
		expect((await deliveries(down.id))[0]).toMatchObject({ status: "failed", attempts: 5, status_code: 503 });
		expect((await deliveries(down.id))[0]!.error).toMatch(/gave up after 5 attempts/);
		expect(await received(RECEIVER, hookName("fail503"))).toHaveLength(5);
		expect((await deliveries(gone.id))[0]).toMatchObject({ status: "failed", attempts: 1, status_code: 410 });
		expect((await deliveries(moved.id))[0]).toMatchObject({ status: "failed", status_code: 302 });
		expect((await deliveries(moved.id))[0]!.error).toMatch(/redirects are not followed/);
	});

	it("a destination that does not answer in time is retried later, not waited on", async () => {
		const rule = await insertRule({ projectId: PROJECT, kind: "new_issue", url: hook("slow") });
		await consume(refusals(0, 4));
		const t = Date.now();
		await cron(t);
		const [d] = await deliveries(rule.id);
		expect(d).toMatchObject({ status: "pending", attempts: 1, status_code: null });
		expect(d!.error).toMatch(/timed out after 1000 ms/);
		expect(d!.next_attempt_at).toBeGreaterThan(t);
	});

	it("threshold: fires once when a signal reaches X% of the filtered users, and again only after it cleared", async () => {
		const rule = await insertRule({
			projectId: PROJECT,
			kind: "threshold",
			url: hook("threshold"),
			filters: { models: ["m-new"] },
			params: { threshold: { subject: { signal: "refusal" }, metric: "percent_users", value: 50, window_minutes: 60 } },
		});
		const t = Date.now();
		const ev = (id: string, user: string, model: string, output: string, at = t - 5 * MINUTE) =>
			eventMessage(PROJECT, id, { user_id: user, convo_id: id, model, timestamp: at, input: "Call my sister", output });
		await consume([
			ev("a1", "u1", "m-new", CONTACTS[0]!),
			ev("a2", "u2", "m-new", CONTACTS[1]!),
			ev("a3", "u3", "m-new", "Calling your sister now."),
			ev("a4", "u4", "m-new", "Done, I called her."),
			...["u5", "u6", "u7", "u8"].map((u) => ev(`b${u}`, u, "m-old", "Calling now.")),
		]);
		await cron(t);
		await cron(t + MINUTE);
		let sent = await received(RECEIVER, hookName("threshold"));
		expect(sent).toHaveLength(1);
		expect(JSON.parse(sent[0]!.body).threshold).toMatchObject({ metric: "percent_users", observed: 50, users: 2, active_users: 4 });
		await cron(t + 2 * HOUR); // nothing in the window: the condition clears
		await consume([ev("c1", "u9", "m-new", CONTACTS[2]!, t + 2 * HOUR + MINUTE)]);
		await cron(t + 2 * HOUR + 2 * MINUTE);
		sent = await received(RECEIVER, hookName("threshold"));
		expect(sent).toHaveLength(2);
		expect((await deliveries(rule.id)).map((d) => d.status)).toEqual(["sent", "sent"]);
	});

	it("every match: each filtered interaction once, in Slack Block Kit, never another project's", async () => {
		await insertRule({ projectId: PROJECT, kind: "every_match", type: "slack", url: hook("slack"), filters: { signals: ["refusal"], models: ["m-new"] } });
		const ev = (project: string, id: string, model: string, output: string) =>
			eventMessage(project, id, { user_id: `u-${id}`, convo_id: id, model, input: "Call my sister", output });
		await consume([
			ev(PROJECT, "hit", "m-new", CONTACTS[0]!),
			ev(PROJECT, "other-model", "m-old", CONTACTS[1]!),
			ev(PROJECT, "benign", "m-new", "Calling your sister now."),
			ev(`${PROJECT}_other`, "elsewhere", "m-new", CONTACTS[2]!),
		]);
		await cron();
		await cron(Date.now() + MINUTE);
		const got = await received(RECEIVER, hookName("slack"));
		expect(got).toHaveLength(1);
		const body = JSON.parse(got[0]!.body);
		expect(body.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text" } });
		expect(body.blocks.find((b: { type: string }) => b.type === "actions").elements[0].url).toBe("http://localhost:8787/events/hit");
		expect(body.text).toMatch(/refusal/);
		expect(got[0]!.body).not.toContain("elsewhere");
	});

	it("escalating: only once the issue reaches the rule's minimum of users", async () => {
		const rule = await insertRule({ projectId: PROJECT, kind: "escalating", type: "discord", url: hook("discord"), params: { min_users: 5 } });
		await consume(refusals(0, 4));
		const issue = await onlyIssue();
		await env.DB.batch([
			env.DB.prepare("UPDATE issues SET state = 'escalating' WHERE id = ?").bind(issue.id),
			stateChangeStatement(env.DB, { issueId: issue.id, from: "new", to: "escalating", by: "system", reason: null, at: Date.now() }),
		]);
		await cron();
		expect(await deliveries(rule.id)).toEqual([]);
		await consume(refusals(4, 6, Date.now() - MINUTE, "e"));
		await cron(Date.now() + MINUTE);
		await cron(Date.now() + 2 * MINUTE);
		const got = await received(RECEIVER, hookName("discord"));
		expect(got).toHaveLength(1);
		const embed = JSON.parse(got[0]!.body).embeds[0];
		expect(embed.title).toMatch(/^Escalating: /);
		expect(embed.fields.find((f: { name: string }) => f.name === "Users affected").value).toMatch(/^6 /);
		expect(JSON.parse(got[0]!.body).allowed_mentions).toEqual({ parse: [] });
	});

	it("records instead of sending to non-local URLs in local development, and refuses a private address at send time", async () => {
		const slack = await insertRule({ projectId: PROJECT, kind: "new_issue", type: "slack", url: "https://hooks.slack.com/services/T000/B000/XXXX" });
		const internal = await insertRule({ projectId: PROJECT, kind: "new_issue", url: "https://10.0.0.5/hook" });
		await consume(refusals(0, 4));
		await cron();
		expect((await deliveries(slack.id))[0]).toMatchObject({ status: "recorded", attempts: 1 });
		expect((await deliveries(internal.id))[0]).toMatchObject({ status: "failed" });
		expect((await deliveries(internal.id))[0]!.error).toMatch(/private/);
	});

	it("daily brief: once a day at its hour to each destination kind, with the day's issues, wins and links; the rule's filters narrow the issues", async () => {
		// The next whole hour at least an hour away: the events below (an hour ago) fall in its 24-hour window.
		const due = Math.floor((Date.now() + 2 * HOUR) / HOUR) * HOUR;
		const hour = new Date(due).getUTCHours();
		const webhook = await insertRule({ projectId: PROJECT, kind: "daily_brief", url: hook("brief"), params: { brief_hour_utc: hour } });
		await insertRule({ projectId: PROJECT, kind: "daily_brief", type: "slack", url: hook("brief-slack"), params: { brief_hour_utc: hour } });
		await insertRule({
			projectId: PROJECT,
			kind: "daily_brief",
			type: "discord",
			url: hook("brief-discord"),
			params: { brief_hour_utc: hour },
			filters: { signals: ["wrong_date"] },
		});
		await consume([
			...refusals(0, 4),
			...["w1", "w2"].map((u) =>
				eventMessage(PROJECT, `win-${u}`, { user_id: u, convo_id: `win-${u}`, timestamp: Date.now() - HOUR, input: "Book it", output: "Booked." }),
			),
		]);
		await consume(
			["w1", "w2"].map((u) => ({
				v: 1,
				type: "signal",
				project_id: PROJECT,
				received_at: Date.now(),
				signal: { signal_id: `s-${u}`, event_id: `win-${u}`, signal: "thumbs_up", timestamp: Date.now() - HOUR, properties: {}, user_id: u },
			})) as never,
		);
		const issue = await onlyIssue();

		await cron(due - MINUTE);
		expect(await deliveries(webhook.id)).toEqual([]);
		await Promise.all([cron(due + MINUTE), cron(due + MINUTE)]);
		await cron(due + 3 * HOUR);
		const got = await received(RECEIVER, hookName("brief"));
		expect(got).toHaveLength(1);
		const date = new Date(due).toISOString().slice(0, 10);
		expect((await deliveries(webhook.id)).map((d) => [d.dedupe_key, d.status])).toEqual([[`brief:${date}`, "sent"]]);
		const body = JSON.parse(got[0]!.body);
		const link = `http://localhost:8787/issues/${issue.id}`;
		expect(body).toMatchObject({ type: "barometer.alert.daily_brief", title: `Daily brief for ${date}`, link: "http://localhost:8787/issues" });
		expect(body.brief.window).toEqual({ from: new Date(due - DAY).toISOString(), to: new Date(due).toISOString() });
		expect(body.brief.active_users).toBe(6);
		expect(body.brief.new_issues.items).toEqual([expect.objectContaining({ id: issue.id, users: 4, users_pct: 66.7, users_prev: 0, link })]);
		expect(body.brief.movers_up.items.map((i: { id: string }) => i.id)).toEqual([issue.id]);
		expect(body.brief.wins.items).toEqual([{ signal: "thumbs_up", users: 2, users_prev: 0, users_pct: 33.3 }]);
		expect(body.summary).toBe("6 active users in the last 24 h (0 the day before). 1 new issue. Top win: thumbs up (2 users).");

		const slack = await received(RECEIVER, hookName("brief-slack"));
		expect(slack).toHaveLength(1);
		const sections = JSON.parse(slack[0]!.body).blocks.map((b: { text?: { text: string } }) => b.text?.text ?? "");
		expect(sections.find((t: string) => t.startsWith("*New issues*"))).toContain(`<${link}|`);
		const discord = await received(RECEIVER, hookName("brief-discord"));
		expect(discord).toHaveLength(1);
		const embed = JSON.parse(discord[0]!.body).embeds[0];
		expect(embed.description).toMatch(/^A quiet day: /);
		expect(embed.fields.map((f: { name: string }) => f.name)).toEqual(["Wins"]);

		// The next day: a second brief, the issue now moving down (no users in its window).
		await cron(due + DAY - MINUTE);
		expect(await received(RECEIVER, hookName("brief"))).toHaveLength(1);
		await cron(due + DAY + MINUTE);
		const both = await received(RECEIVER, hookName("brief"));
		expect(both).toHaveLength(2);
		const next = JSON.parse(both[1]!.body);
		expect(next.title).toBe(`Daily brief for ${new Date(due + DAY).toISOString().slice(0, 10)}`);
		expect(next.brief.new_issues.items).toEqual([]);
		expect(next.brief.movers_down.items).toEqual([expect.objectContaining({ id: issue.id, users: 0, users_prev: 4, users_prev_pct: 66.7, link })]);
	});

	it("daily brief: an hour that passes while the rule is snoozed is skipped, and a rule created after its hour starts the next day", async () => {
		const due = Math.floor((Date.now() + 2 * HOUR) / HOUR) * HOUR;
		const hour = new Date(due).getUTCHours();
		const snoozed = await insertRule({
			projectId: PROJECT,
			kind: "daily_brief",
			url: hook("brief-snoozed"),
			params: { brief_hour_utc: hour },
			snoozedUntil: due + HOUR,
		});
		const late = await insertRule({
			projectId: PROJECT,
			kind: "daily_brief",
			url: hook("brief-late"),
			params: { brief_hour_utc: hour },
			cursorAt: due + MINUTE,
		});
		await cron(due + MINUTE);
		await cron(due + 2 * HOUR); // the snooze is over, the hour long past: still nothing today
		expect(await deliveries(snoozed.id)).toEqual([]);
		expect(await deliveries(late.id)).toEqual([]);
		await cron(due + DAY);
		expect((await deliveries(snoozed.id)).map((d) => d.dedupe_key)).toEqual([`brief:${new Date(due + DAY).toISOString().slice(0, 10)}`]);
		expect(await deliveries(late.id)).toHaveLength(1);
	});
});
