import { type AlertMessage, alertFacts, clip } from "../alert-message";
import { webhookUrlProblem } from "../webhook-url";
import { type AlertDestination, jsonHeaders } from "./alert-destination";

/** Slack incoming webhook, Block Kit: header, summary, fields, a button to the dashboard. */
export function renderSlack(m: AlertMessage): string {
	const fields = alertFacts(m).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${clip(v, 1900)}` }));
	return JSON.stringify({
		text: `${m.title}: ${m.summary}`,
		blocks: [
			{ type: "header", text: { type: "plain_text", text: clip(m.title, 150), emoji: true } },
			{ type: "section", text: { type: "mrkdwn", text: clip(m.summary, 2900) } },
			...(fields.length ? [{ type: "section", fields: fields.slice(0, 10) }] : []),
			{ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open in Barometer" }, url: m.link }] },
			{ type: "context", elements: [{ type: "mrkdwn", text: `Rule *${clip(m.rule.name, 100)}* · ${m.at}` }] },
		],
	});
}

export const slackDestination = {
	kind: "slack",
	label: "Slack webhook",
	signed: false,
	urlProblem: webhookUrlProblem,
	render: renderSlack,
	request: async (m, { deliveryId, target }) => ({ url: target.url, headers: jsonHeaders(deliveryId), body: renderSlack(m) }),
} as const satisfies AlertDestination;
