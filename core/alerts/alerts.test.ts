import { describe, expect, it } from "vitest";
import { alertRetryDelayMs, type AlertMessage } from "./alert-message";
import { renderDiscord } from "./destinations/discord";
import { renderSlack } from "./destinations/slack";
import { renderWebhook } from "./destinations/webhook";
import { newEncryptionKey, seal, unseal } from "./secret-box";
import { displayWebhookUrl, webhookUrlProblem } from "./webhook-url";
import { signWebhook, verifyWebhook } from "./webhook-signature";

const prod = { allowLocalhost: false };
const dev = { allowLocalhost: true };

describe("webhook URL policy", () => {
	it("accepts public https URLs", () => {
		for (const url of [
			"https://hooks.slack.com/services/T0/B0/xyz",
			"https://discord.com/api/webhooks/1/abc",
			"https://example.com:8443/hook?x=1",
			"https://8.8.8.8/x",
			"https://[2606:4700::1111]/x",
		]) {
			expect(webhookUrlProblem(url, prod), url).toBeNull();
		}
	});

	it("refuses private, loopback, link-local, metadata and internal names, in every spelling", () => {
		for (const url of [
			"https://127.0.0.1/x",
			"https://2130706433/x", // 127.0.0.1 as a number
			"https://0x7f.1/x",
			"https://10.0.0.1/x",
			"https://172.20.1.1/x",
			"https://192.168.1.1/x",
			"https://169.254.169.254/latest/meta-data",
			"https://100.64.0.1/x",
			"https://0.0.0.0/x",
			"https://[::1]/x",
			"https://[::ffff:10.0.0.1]/x",
			"https://[::ffff:169.254.169.254]/x",
			"https://[fe80::1]/x",
			"https://[fd00:ec2::254]/x",
			"https://localhost/x",
			"https://api.localhost/x",
			"https://metadata.google.internal/x",
			"https://printer.local/x",
			"https://intranet/x",
		]) {
			expect(webhookUrlProblem(url, prod), url).not.toBeNull();
		}
	});

	it("needs https, except plain http to localhost in local development", () => {
		expect(webhookUrlProblem("http://example.com/x", prod)).toMatch(/https/);
		expect(webhookUrlProblem("http://127.0.0.1:9000/x", prod)).toMatch(/https/);
		expect(webhookUrlProblem("http://127.0.0.1:9000/x", dev)).toBeNull();
		expect(webhookUrlProblem("http://localhost:9000/x", dev)).toBeNull();
		expect(webhookUrlProblem("http://10.0.0.1/x", dev)).not.toBeNull();
		expect(webhookUrlProblem("ftp://example.com/x", dev)).not.toBeNull();
		expect(webhookUrlProblem("not a url", dev)).toMatch(/valid URL/);
	});

	it("displays a destination without the secret part of its path", () => {
		expect(displayWebhookUrl("https://hooks.slack.com/services/T000/B000/abcdefgh1234")).toBe("hooks.slack.com/…1234");
	});
});

describe("webhook signatures", () => {
	it("verify with the right secret and body, within the tolerance only", async () => {
		const sig = await signWebhook("whsec_a", 1_800_000_000, '{"a":1}');
		expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
		const h = { signature: sig, timestamp: "1800000000" };
		expect(await verifyWebhook("whsec_a", h, '{"a":1}', 1_800_000_100)).toBe(true);
		expect(await verifyWebhook("whsec_b", h, '{"a":1}', 1_800_000_100)).toBe(false);
		expect(await verifyWebhook("whsec_a", h, '{"a":2}', 1_800_000_100)).toBe(false);
		expect(await verifyWebhook("whsec_a", h, '{"a":1}', 1_800_001_000)).toBe(false);
		expect(await verifyWebhook("whsec_a", { signature: sig, timestamp: "1800000001" }, '{"a":1}', 1_800_000_100)).toBe(false);
	});
});

describe("sealed destinations", () => {
	it("open only with the same key and the same rule id", async () => {
		const key = newEncryptionKey();
		const sealed = await seal(key, "rule_1", "https://hooks.slack.com/services/secret");
		expect(sealed).not.toContain("slack");
		expect(await unseal(key, "rule_1", sealed)).toBe("https://hooks.slack.com/services/secret");
		await expect(unseal(key, "rule_2", sealed)).rejects.toThrow();
		await expect(unseal(newEncryptionKey(), "rule_1", sealed)).rejects.toThrow();
		await expect(seal("c2hvcnQ=", "rule_1", "x")).rejects.toThrow(/32 bytes/);
	});
});

const message: AlertMessage = {
	kind: "regressed",
	project_id: "prj_1",
	rule: { id: "rule_1", name: "Regressions" },
	title: "Regressed: claims it cannot access contacts",
	summary: "The assistant says it cannot read contacts. 34 users affected.",
	link: "https://dash.example/issues/iss_1",
	at: "2026-11-22T10:00:00.000Z",
	issue: {
		id: "iss_1",
		title: "claims it cannot access contacts",
		signal: "refusal",
		state: "regressed",
		events: 40,
		users: 34,
		users_pct: 12.5,
		users_24h: 9,
		users_prev_24h: 2,
	},
};

describe("alert rendering", () => {
	it("Slack: Block Kit with a header, the facts and a button to the issue", () => {
		const body = JSON.parse(renderSlack(message));
		expect(body.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: message.title, emoji: true } });
		const fields = body.blocks.find((b: { fields?: unknown }) => b.fields).fields.map((f: { text: string }) => f.text);
		expect(fields).toContain("*Users affected*\n34 (12.5% of active users)");
		expect(fields).toContain("*Trend*\n▲ 9 users in 24 h (2 the day before)");
		expect(body.blocks.find((b: { type: string }) => b.type === "actions").elements[0].url).toBe(message.link);
	});

	it("Discord: one embed with fields, mentions off", () => {
		const body = JSON.parse(renderDiscord(message));
		expect(body.allowed_mentions).toEqual({ parse: [] });
		expect(body.embeds[0]).toMatchObject({ title: message.title, url: message.link, timestamp: message.at });
		expect(body.embeds[0].fields).toContainEqual({ name: "State", value: "regressed", inline: true });
	});

	it("generic webhook: the message with its type and delivery id", () => {
		expect(JSON.parse(renderWebhook(message, "alr_1"))).toMatchObject({ type: "barometer.alert.regressed", delivery_id: "alr_1", issue: { users: 34 } });
	});

	it("retries back off from 30 s, doubling, capped at an hour", () => {
		const mid = () => 0.5;
		expect(alertRetryDelayMs(1, mid)).toBe(22_500);
		expect(alertRetryDelayMs(3, mid)).toBe(90_000);
		expect(alertRetryDelayMs(20, () => 1)).toBe(3_600_000);
	});
});
