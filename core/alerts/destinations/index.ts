import type { AlertDestination } from "./alert-destination";
import { discordDestination } from "./discord";
import { slackDestination } from "./slack";
import { webhookDestination } from "./webhook";

/**
 * Every kind of alert destination, in the order the dashboard offers them. A new kind is one
 * module in this folder and one line here: the API's validation, the delivery, the db column's
 * enum and the dashboard's choice all read this list.
 */
export const ALERT_DESTINATION_MODULES = [slackDestination, discordDestination, webhookDestination] as const satisfies readonly AlertDestination[];

type Modules = typeof ALERT_DESTINATION_MODULES;
export type AlertDestinationType = Modules[number]["kind"];

type KindsOf<T extends readonly { kind: string }[]> = { readonly [I in keyof T]: T[I]["kind"] };
/** The kinds as a tuple, for zod and drizzle enums (map() does not keep a tuple's type). */
export const ALERT_DESTINATIONS = ALERT_DESTINATION_MODULES.map((d) => d.kind) as unknown as KindsOf<Modules>;

const byKind = new Map<string, AlertDestination>(ALERT_DESTINATION_MODULES.map((d) => [d.kind, d]));

/** The module of a destination type; undefined for a stored type no module declares. */
export function alertDestination(kind: AlertDestinationType): AlertDestination;
export function alertDestination(kind: string): AlertDestination | undefined;
export function alertDestination(kind: string): AlertDestination | undefined {
	return byKind.get(kind);
}

export type { AlertDestination, DeliveryContext, DestinationTarget, WebhookRequest } from "./alert-destination";
