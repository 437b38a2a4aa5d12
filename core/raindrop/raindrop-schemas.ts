import { z } from "zod";
import {
	aiEventSchema,
	attachmentSchema,
	identifySchema,
	propertiesSchema,
	signalSchema,
	type AiEventInput,
	type PartialEvent,
	type SignalInput,
} from "../ingest-schemas";
import { LIMITS } from "../limits";
import { timestampSchema } from "../timestamps";
import { contentId, raindropRecord, signalSlug } from "./raindrop-values";

/**
 * The bodies the official `raindrop-ai` SDK posts, translated into Barometer's own schemas. Each
 * Raindrop field is checked by the Barometer field it becomes (same limits, messages naming the
 * Raindrop path, e.g. `events[2].ai_data.input`), and the result is parsed by Barometer's schema,
 * so what is queued is exactly what `/v1/events`, `/v1/signals` and `/v1/users/identify` queue.
 */
const e = aiEventSchema.shape;

const aiDataSchema = z
	.object({
		model: e.model.unwrap().nullish(),
		input: e.input.unwrap().nullish(),
		output: e.output.unwrap().nullish(),
		convo_id: e.convo_id.unwrap().nullish(),
	})
	.nullish();

const attachmentsSchema = z.array(attachmentSchema).max(LIMITS.attachmentsPerEvent, `at most ${LIMITS.attachmentsPerEvent} attachments`).nullish();

const orUndefined = <T>(v: T | null | undefined) => v ?? undefined;

/** `events/track`: one item of the array the SDK sends for `trackAi`. */
export const raindropEventSchema = z
	.object({
		event_id: e.event_id,
		user_id: e.user_id,
		event: e.event.unwrap().nullish(),
		timestamp: timestampSchema.optional(),
		ai_data: aiDataSchema,
		properties: raindropRecord(propertiesSchema).nullish(),
		attachments: attachmentsSchema,
	})
	.transform(
		(r): AiEventInput => ({
			event_id: r.event_id,
			user_id: r.user_id,
			event: orUndefined(r.event),
			timestamp: r.timestamp,
			model: orUndefined(r.ai_data?.model),
			input: orUndefined(r.ai_data?.input),
			output: orUndefined(r.ai_data?.output),
			convo_id: orUndefined(r.ai_data?.convo_id),
			properties: orUndefined(r.properties),
			attachments: orUndefined(r.attachments),
		}),
	)
	.pipe(aiEventSchema);

/**
 * `events/track_partial`: one part of an interaction (`begin()` … `finish()`). The SDK posts the
 * fields gathered since its previous post, `is_pending: false` on the last one.
 */
export const raindropPartialSchema = z
	.object({
		event_id: e.event_id,
		user_id: e.user_id.nullish(),
		event: e.event.unwrap().nullish(),
		timestamp: timestampSchema.optional(),
		ai_data: aiDataSchema,
		properties: raindropRecord(propertiesSchema).nullish(),
		attachments: attachmentsSchema,
		is_pending: z.boolean({ error: "must be a boolean" }).optional(),
	})
	.transform((r): { final: boolean; event: PartialEvent } => {
		const fields: PartialEvent = {
			event_id: r.event_id,
			user_id: orUndefined(r.user_id),
			event: orUndefined(r.event),
			timestamp: r.timestamp,
			model: orUndefined(r.ai_data?.model),
			input: orUndefined(r.ai_data?.input),
			output: orUndefined(r.ai_data?.output),
			convo_id: orUndefined(r.ai_data?.convo_id),
			properties: r.properties ?? {},
			attachments: r.attachments ?? [],
		};
		// Absent keys, not `undefined` ones: the part is hashed and stored as JSON.
		for (const k of Object.keys(fields) as (keyof PartialEvent)[]) if (fields[k] === undefined) delete fields[k];
		return { final: r.is_pending === false, event: fields };
	});

/**
 * Raindrop signal → Barometer signal: feedback with a sentiment is thumbs_up / thumbs_down, an
 * edit is `edit`, anything else keeps its name as a slug. The original name, type, sentiment and
 * attachment id stay in properties; `properties.comment` (the SDK's `comment`) becomes the comment.
 */
export function raindropSignalName(name: string, type: string, sentiment: string | null | undefined): string {
	if (type === "feedback" && sentiment === "NEGATIVE") return "thumbs_down";
	if (type === "feedback" && sentiment === "POSITIVE") return "thumbs_up";
	if (type === "edit") return "edit";
	return signalSlug(name);
}

const signalShape = signalSchema.shape;

/** `signals/track`: one item of the array the SDK sends for `trackSignal` (and feedback, edits, self diagnostics). */
export const raindropSignalSchema = z
	.preprocess(
		(raw) => {
			// The comment travels inside properties; it has the comment's limit, not a property value's.
			const props = (raw as { properties?: unknown } | null)?.properties;
			if (!raw || typeof raw !== "object" || !props || typeof props !== "object" || !("comment" in props)) return raw;
			const { comment, ...rest } = props as Record<string, unknown>;
			return { ...raw, properties: rest, comment };
		},
		z.object({
			event_id: signalShape.event_id,
			signal_name: z.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(LIMITS.nameChars),
			signal_type: z.string({ error: "must be a string" }).max(64).nullish(),
			sentiment: z.enum(["POSITIVE", "NEGATIVE"]).nullish(),
			timestamp: timestampSchema.nullish(),
			properties: raindropRecord(propertiesSchema).nullish(),
			attachment_id: z.string().max(LIMITS.idChars).nullish(),
			comment: z.union([signalShape.comment.unwrap(), z.null()]).optional(),
		}),
	)
	.transform((r): SignalInput => {
		const type = r.signal_type ?? "default";
		const properties: Record<string, string | number | boolean> = { ...r.properties, raindrop_signal: r.signal_name, raindrop_signal_type: type };
		if (r.sentiment) properties.raindrop_sentiment = r.sentiment;
		if (r.attachment_id) properties.raindrop_attachment_id = r.attachment_id;
		const signal = {
			event_id: r.event_id,
			signal: raindropSignalName(r.signal_name, type, r.sentiment),
			timestamp: orUndefined(r.timestamp),
			comment: orUndefined(r.comment),
			properties,
		};
		// Raindrop signals carry no id: one derived from the content makes a resent batch store each signal once.
		return { ...signal, signal_id: `sig_rd_${contentId(JSON.stringify(signal))}` };
	})
	.pipe(signalSchema);

/** `users/identify`: one item of the array the SDK sends for `setUserDetails`. */
export const raindropIdentifySchema = z.object({
	user_id: identifySchema.shape.user_id,
	traits: raindropRecord(identifySchema.shape.traits, true),
});
