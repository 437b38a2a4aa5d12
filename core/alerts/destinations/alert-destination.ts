import type { AlertMessage } from "../alert-message";
import { DELIVERY_HEADER } from "../webhook-signature";
import type { WebhookUrlPolicy } from "../webhook-url";

/** The HTTP request one alert delivery sends. */
export interface WebhookRequest {
	url: string;
	headers: Record<string, string>;
	body: string;
}

/** Where a rule sends: the URL and, for a signed destination, the secret (both sealed per rule). */
export interface DestinationTarget {
	url: string;
	secret?: string;
}

export interface DeliveryContext {
	/** The delivery's id: the same on every retry, so a receiver can dedupe. */
	deliveryId: string;
	target: DestinationTarget;
	/** Unix seconds when sent (what a signature covers). */
	timestamp: number;
}

/** Everything about one kind of alert destination: a new kind is one module and one line in ./index.ts. */
export interface AlertDestination<Kind extends string = string> {
	kind: Kind;
	/** How the dashboard names it where a rule picks where to send. */
	label: string;
	/** Whether it carries a signing secret: created with the rule, rotated on request, shown once. */
	signed: boolean;
	/** Why `url` cannot be this destination, or null when it can (checked when a rule is saved and before every send). */
	urlProblem: (url: string, policy: WebhookUrlPolicy) => string | null;
	/** The message as this destination's receiver reads it. */
	render: (message: AlertMessage, deliveryId: string) => string;
	request: (message: AlertMessage, context: DeliveryContext) => Promise<WebhookRequest>;
}

/** The headers every destination sends. */
export function jsonHeaders(deliveryId: string): Record<string, string> {
	return { "content-type": "application/json", "user-agent": "Barometer-Alerts/1.0", [DELIVERY_HEADER]: deliveryId };
}
