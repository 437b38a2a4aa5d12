import type { AlertMessage } from "../alert-message";
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from "../webhook-signature";
import { webhookUrlProblem } from "../webhook-url";
import { type AlertDestination, jsonHeaders } from "./alert-destination";

/** Generic JSON webhook body: the message itself, with the delivery id a receiver dedupes on. */
export function renderWebhook(m: AlertMessage, deliveryId: string): string {
	return JSON.stringify({ type: `barometer.alert.${m.kind}`, delivery_id: deliveryId, ...m });
}

/** A generic JSON webhook, signed with the rule's secret (see webhook-signature.ts). */
export const webhookDestination = {
	kind: "webhook",
	label: "signed JSON webhook",
	signed: true,
	urlProblem: webhookUrlProblem,
	render: renderWebhook,
	async request(m, { deliveryId, target, timestamp }) {
		const body = renderWebhook(m, deliveryId);
		const headers = jsonHeaders(deliveryId);
		headers[TIMESTAMP_HEADER] = String(timestamp);
		headers[SIGNATURE_HEADER] = await signWebhook(target.secret ?? "", timestamp, body);
		return { url: target.url, headers, body };
	},
} as const satisfies AlertDestination;
