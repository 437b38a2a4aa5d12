import { parseJson } from "./span-messages";
import type { Span } from "./span-tree";

/**
 * Who and which conversation a span is about, and the app's own dimensions, wherever the emitter put them:
 * on the span or any ancestor of the same trace (an app's request span, an agent span), in the Vercel AI SDK's
 * telemetry metadata (`ai.telemetry.metadata.*`, version 7's `ai.settings.context.*`), Traceloop's association
 * properties, OpenInference's `user.id` / `session.id` / `metadata`, baggage copied onto spans (same keys), or
 * the resource. The nearest value wins: a span's own over its parent's.
 */
export interface SpanContext {
	userId?: string;
	convoId?: string;
	/**
	 * The app's own event these spans belong to (Raindrop's `traceloop.association.properties.event_id`,
	 * or `barometer.event_id`): their tool calls join that event rather than making one of their own.
	 */
	eventId?: string;
	eventName?: string;
	properties: Record<string, string | number | boolean>;
}

/** Namespaces whose keys are the app's own: userId and session keys are read as user and conversation, the rest are properties. */
const BAGS = ["ai.telemetry.metadata.", "ai.settings.context.", "traceloop.association.properties.", "barometer."];
const USER_KEYS = new Set(["userid", "user_id", "user", "enduserid", "end_user_id"]);
const CONVO_KEYS = new Set([
	"sessionid",
	"session_id",
	"convoid",
	"convo_id",
	"conversationid",
	"conversation_id",
	"threadid",
	"thread_id",
	"chatid",
	"chat_id",
]);
const EVENT_KEYS = new Set(["event_id", "eventid"]);
const USER_ATTRS = ["barometer.user_id", "user.id", "enduser.id", "gen_ai.user.id", "langfuse.user.id"];
const CONVO_ATTRS = ["barometer.convo_id", "gen_ai.conversation.id", "session.id", "langfuse.session.id"];

type Prop = string | number | boolean;

/** Whether an attribute names a user or a conversation (its value is an identifier, not text). */
export function isIdentifierKey(key: string): boolean {
	if (USER_ATTRS.includes(key) || CONVO_ATTRS.includes(key)) return true;
	const bag = BAGS.find((b) => key.startsWith(b));
	const norm = bag ? key.slice(bag.length).toLowerCase() : "";
	return USER_KEYS.has(norm) || CONVO_KEYS.has(norm) || EVENT_KEYS.has(norm);
}
const isProp = (v: unknown): v is Prop => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
const idOf = (v: unknown) => (isProp(v) && String(v).trim() !== "" ? String(v).trim() : undefined);

/** What this span itself says (not its ancestors). */
export function ownContext(attrs: Map<string, unknown>): SpanContext {
	const ctx: SpanContext = { properties: {} };
	for (const k of USER_ATTRS) ctx.userId ??= idOf(attrs.get(k));
	for (const k of CONVO_ATTRS) ctx.convoId ??= idOf(attrs.get(k));
	for (const [k, v] of attrs) {
		const bag = BAGS.find((b) => k.startsWith(b));
		if (!bag || !isProp(v)) continue;
		const key = k.slice(bag.length);
		const norm = key.toLowerCase();
		if (USER_KEYS.has(norm)) ctx.userId ??= idOf(v);
		else if (CONVO_KEYS.has(norm)) ctx.convoId ??= idOf(v);
		else if (EVENT_KEYS.has(norm)) ctx.eventId ??= idOf(v);
		else if (norm === "event_name" || norm === "eventname") ctx.eventName ??= idOf(v);
		else if (key) ctx.properties[key] = v;
	}
	// OpenInference: metadata is a JSON object of the app's own values.
	const meta = parseJson(attrs.get("metadata"));
	if (meta && typeof meta === "object" && !Array.isArray(meta)) {
		for (const [key, v] of Object.entries(meta)) {
			const norm = key.toLowerCase();
			if (USER_KEYS.has(norm)) ctx.userId ??= idOf(v);
			else if (CONVO_KEYS.has(norm)) ctx.convoId ??= idOf(v);
			else if (isProp(v) && ctx.properties[key] === undefined) ctx.properties[key] = v;
		}
	}
	const fn = attrs.get("ai.telemetry.functionId");
	if (isProp(fn) && ctx.properties.function === undefined) ctx.properties.function = fn;
	return ctx;
}

/** A span's context over the one inherited from above (the span's own values win). */
export function inherit(own: SpanContext, above: SpanContext | undefined): SpanContext {
	if (!above) return own;
	return {
		userId: own.userId ?? above.userId,
		convoId: own.convoId ?? above.convoId,
		eventId: own.eventId ?? above.eventId,
		eventName: own.eventName ?? above.eventName,
		properties: { ...above.properties, ...own.properties },
	};
}

/** The resource's values under the span's (a resource is the process: it rarely names a user, but may). */
export function withResource(ctx: SpanContext, s: Span): SpanContext {
	return inherit(ctx, ownContext(s.resource));
}
