import { describe, expect, it } from "vitest";
import type { AlertMessage } from "../alert-message";
import { alertRuleInputSchema } from "../alert-rule-input";
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from "../webhook-signature";
import { ALERT_DESTINATION_MODULES, ALERT_DESTINATIONS, type AlertDestinationType, alertDestination } from ".";

const message: AlertMessage = {
	kind: "new_issue",
	project_id: "prj_1",
	rule: { id: "rule_1", name: "Refusals" },
	title: "New issue: Claims it cannot access the calendar",
	summary: "12 users saw the assistant refuse calendar requests.",
	link: "https://barometer.example/issues/iss_1",
	at: "2026-11-22T15:00:00.000Z",
	signal: "refusal",
};
const target = { url: "https://receiver.example/hook", secret: "whsec_test" };
const context = { deliveryId: "alr_1", target, timestamp: 1_795_000_000 };

/** What each kind's request must carry beside the common headers: the body's shape, as its receiver reads it. */
const BODY_CHECKS: Record<AlertDestinationType, (body: Record<string, unknown>) => void> = {
	slack: (body) =>
		expect(body).toMatchObject({
			text: `${message.title}: ${message.summary}`,
			blocks: expect.arrayContaining([{ type: "header", text: { type: "plain_text", text: message.title, emoji: true } }]),
		}),
	discord: (body) =>
		expect(body).toMatchObject({
			allowed_mentions: { parse: [] },
			embeds: [{ title: message.title, description: message.summary, url: message.link, color: 0x3b82f6, timestamp: message.at }],
		}),
	webhook: (body) => expect(body).toEqual({ type: "barometer.alert.new_issue", delivery_id: "alr_1", ...message }),
};

describe("alert destinations: the list in destinations/index.ts is the one place a kind is declared", () => {
	it("the kinds the API accepts and the db column holds are the modules' kinds, in order", () => {
		expect(ALERT_DESTINATIONS).toEqual(ALERT_DESTINATION_MODULES.map((d) => d.kind));
		for (const kind of ALERT_DESTINATIONS) {
			expect(alertDestination(kind).kind).toBe(kind);
			const parsed = alertRuleInputSchema.safeParse({ name: "r", kind: "new_issue", destination: { type: kind, url: target.url } });
			expect(parsed.success, kind).toBe(true);
		}
		expect(alertRuleInputSchema.safeParse({ name: "r", kind: "new_issue", destination: { type: "pager", url: target.url } }).success).toBe(false);
		expect(alertDestination("pager")).toBeUndefined();
	});

	for (const destination of ALERT_DESTINATION_MODULES) {
		it(`${destination.kind}: renders the alert and posts it as JSON to the rule's URL with the delivery id`, async () => {
			const request = await destination.request(message, context);
			expect(request.url).toBe(target.url);
			expect(request.headers).toMatchObject({ "content-type": "application/json", "user-agent": "Barometer-Alerts/1.0", [DELIVERY_HEADER]: "alr_1" });
			expect(request.body).toBe(destination.render(message, "alr_1"));
			BODY_CHECKS[destination.kind](JSON.parse(request.body));
			if (destination.signed) {
				expect(request.headers[TIMESTAMP_HEADER]).toBe("1795000000");
				const headers = { signature: request.headers[SIGNATURE_HEADER]!, timestamp: request.headers[TIMESTAMP_HEADER]! };
				expect(await verifyWebhook(target.secret, headers, request.body, context.timestamp)).toBe(true);
				expect(await verifyWebhook("whsec_other", headers, request.body, context.timestamp)).toBe(false);
			} else {
				expect(Object.keys(request.headers).sort()).toEqual(["content-type", "user-agent", DELIVERY_HEADER].sort());
			}
		});

		it(`${destination.kind}: refuses a private URL`, () => {
			expect(destination.urlProblem("https://169.254.169.254/latest/meta-data", { allowLocalhost: false })).toMatch(/private/);
			expect(destination.urlProblem(target.url, { allowLocalhost: false })).toBeNull();
		});
	}

	it("only the generic webhook carries a signing secret", () => {
		expect(ALERT_DESTINATION_MODULES.filter((d) => d.signed).map((d) => d.kind)).toEqual(["webhook"]);
	});
});
