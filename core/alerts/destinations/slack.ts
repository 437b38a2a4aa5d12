import { type AlertMessage, alertFacts, clip } from "../alert-message";
import { briefSections } from "../brief-sections";
import type { AlertBrief } from "../daily-brief";
import { webhookUrlProblem } from "../webhook-url";
import { type AlertDestination, jsonHeaders } from "./alert-destination";

/** Slack's mrkdwn reserves &, < and > (https://api.slack.com/reference/surfaces/formatting#escaping); a link label also ends at |. */
const escapeMrkdwn = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const linkLabel = (s: string) => escapeMrkdwn(clip(s, 80)).replaceAll("|", "¦");

/** One section per list of the brief: a bold heading, a bullet per item linking to its issue, "and N more". */
function briefBlocks(b: AlertBrief, link: string) {
	return briefSections(b).map((s) => {
		const lines = s.lines.map((l) => `• ${l.url ? `<${l.url}|${linkLabel(l.label)}>` : escapeMrkdwn(l.label)} · ${escapeMrkdwn(l.detail)}`);
		if (s.more) lines.push(`<${link}|…and ${s.more} more>`);
		return { type: "section", text: { type: "mrkdwn", text: clip(`*${s.heading}*\n${lines.join("\n")}`, 2900) } };
	});
}

/** Slack incoming webhook, Block Kit: header, summary, fields (or a brief's lists), a button to the dashboard. */
export function renderSlack(m: AlertMessage): string {
	const fields = alertFacts(m).map(([k, v]) => ({ type: "mrkdwn", text: `*${k}*\n${clip(v, 1900)}` }));
	return JSON.stringify({
		text: `${m.title}: ${m.summary}`,
		blocks: [
			{ type: "header", text: { type: "plain_text", text: clip(m.title, 150), emoji: true } },
			{ type: "section", text: { type: "mrkdwn", text: clip(m.summary, 2900) } },
			...(fields.length ? [{ type: "section", fields: fields.slice(0, 10) }] : []),
			...(m.brief ? briefBlocks(m.brief, m.link) : []),
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
