import { type AlertMessage, alertFacts, clip } from "../alert-message";
import { briefSections } from "../brief-sections";
import type { AlertBrief } from "../daily-brief";
import { webhookUrlProblem } from "../webhook-url";
import { type AlertDestination, jsonHeaders } from "./alert-destination";

const DISCORD_COLOURS: Record<string, number> = {
	new_issue: 0x3b82f6,
	regressed: 0xf97316,
	escalating: 0xef4444,
	threshold: 0xeab308,
	every_match: 0x8b5cf6,
	daily_brief: 0x10b981,
	test: 0x6b7280,
};

/** Discord markdown: a title must not open a link, bold or code span of its own. */
const escapeMarkdown = (s: string) => s.replace(/[\\[\]*_`~|]/g, "\\$&");

/** A field per list of the brief, a bullet per item as a masked link to its issue, "and N more". */
function briefFields(b: AlertBrief, link: string) {
	return briefSections(b).map((s) => {
		const lines = s.lines.map((l) => `• ${l.url ? `[${escapeMarkdown(clip(l.label, 80))}](${l.url})` : escapeMarkdown(l.label)} · ${l.detail}`);
		if (s.more) lines.push(`[…and ${s.more} more](${link})`);
		return { name: s.heading, value: clip(lines.join("\n"), 1024), inline: false };
	});
}

/** Discord webhook: one embed; mentions disabled so an alert never pings @everyone. */
export function renderDiscord(m: AlertMessage): string {
	return JSON.stringify({
		allowed_mentions: { parse: [] },
		embeds: [
			{
				title: clip(m.title, 256),
				description: clip(m.summary, 4000),
				url: m.link,
				color: DISCORD_COLOURS[m.kind] ?? 0x6b7280,
				fields: [
					...alertFacts(m).map(([name, value]) => ({ name, value: clip(value, 1024), inline: name !== "Evidence" })),
					...(m.brief ? briefFields(m.brief, m.link) : []),
				].slice(0, 25),
				footer: { text: clip(`Barometer · ${m.rule.name}`, 2048) },
				timestamp: m.at,
			},
		],
	});
}

export const discordDestination = {
	kind: "discord",
	label: "Discord webhook",
	signed: false,
	urlProblem: webhookUrlProblem,
	render: renderDiscord,
	request: async (m, { deliveryId, target }) => ({ url: target.url, headers: jsonHeaders(deliveryId), body: renderDiscord(m) }),
} as const satisfies AlertDestination;
