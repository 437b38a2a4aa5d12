import { z } from "zod";
import { LIMITS } from "./limits";
import { timestampSchema } from "./timestamps";

const id = (what: string) =>
	z
		.string({ error: `${what} must be a string` })
		.trim()
		.min(1, `${what} must not be empty`)
		.max(LIMITS.idChars, `${what} must be at most ${LIMITS.idChars} characters`);

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

export const propertiesSchema = z
	.record(
		z.string().min(1).max(LIMITS.propertyKeyChars, `keys must be at most ${LIMITS.propertyKeyChars} characters`),
		z.union([z.string().max(LIMITS.propertyValueChars, `values must be at most ${LIMITS.propertyValueChars} characters`), z.number(), z.boolean()], {
			error: "values must be a string, number or boolean",
		}),
	)
	.refine((o) => Object.keys(o).length <= LIMITS.propertiesPerObject, `at most ${LIMITS.propertiesPerObject} properties`);

/** Tool input and output may be any JSON; they are stored as text (JSON-encoded unless already a string). */
const toolPayload = z
	.unknown()
	.transform((v) => (v === undefined || v === null ? null : typeof v === "string" ? v : JSON.stringify(v)))
	.pipe(text(LIMITS.toolTextChars).nullable());

export const toolCallSchema = z.object({
	name: id("name"),
	input: toolPayload.optional(),
	output: toolPayload.optional(),
	error: text(LIMITS.toolErrorChars).nullish(),
	duration_ms: z.number().int().min(0).max(86_400_000).nullish(),
});

export const attachmentSchema = z.object({
	type: z.enum(["text", "image", "iframe", "code", "file", "url"]),
	name: text(LIMITS.nameChars).optional(),
	role: z.enum(["input", "output"]).optional(),
	value: text(LIMITS.attachmentChars),
});

export const aiEventSchema = z.object({
	event_id: id("event_id"),
	timestamp: timestampSchema.optional(),
	user_id: id("user_id"),
	convo_id: id("convo_id").optional(),
	event: id("event").default("ai_interaction"),
	model: text(LIMITS.nameChars).optional(),
	input: text(LIMITS.textChars).optional(),
	output: text(LIMITS.textChars).optional(),
	properties: propertiesSchema.default({}),
	tool_calls: z.array(toolCallSchema).max(LIMITS.toolCallsPerEvent, `at most ${LIMITS.toolCallsPerEvent} tool calls`).default([]),
	attachments: z.array(attachmentSchema).max(LIMITS.attachmentsPerEvent, `at most ${LIMITS.attachmentsPerEvent} attachments`).optional(),
});

/**
 * One part of an event sent in pieces (Raindrop's `begin()` … `finish()`): every field optional
 * but the id, each with the same limits as in a full event. Parts are merged by the detect
 * worker (pending_events); the merged event must then pass aiEventSchema.
 */
export const partialEventSchema = aiEventSchema
	.pick({ user_id: true, convo_id: true, event: true, model: true, input: true, output: true })
	.partial()
	.extend({
		event_id: aiEventSchema.shape.event_id,
		event: aiEventSchema.shape.event.unwrap().optional(),
		timestamp: z.number().int().optional(),
		properties: propertiesSchema.default({}),
		attachments: aiEventSchema.shape.attachments.unwrap().default([]),
	});

export const EXPLICIT_SIGNALS = ["thumbs_up", "thumbs_down", "regenerate", "copy", "share", "edit", "code_error"] as const;

export const signalSchema = z.object({
	signal_id: id("signal_id").optional(),
	event_id: id("event_id"),
	signal: z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/, "must be lowercase letters, digits, _ . : - (at most 64), e.g. thumbs_down"),
	timestamp: timestampSchema.optional(),
	user_id: id("user_id").optional(),
	comment: text(LIMITS.commentChars).optional(),
	properties: propertiesSchema.default({}),
});

export const identifySchema = z.object({
	user_id: id("user_id"),
	timestamp: timestampSchema.optional(),
	/** null removes a trait. */
	traits: z
		.record(
			z.string().min(1).max(LIMITS.propertyKeyChars),
			z.union([z.string().max(LIMITS.propertyValueChars), z.number(), z.boolean(), z.null()], {
				error: "values must be a string, number, boolean or null",
			}),
		)
		.refine((o) => Object.keys(o).length <= LIMITS.propertiesPerObject, `at most ${LIMITS.propertiesPerObject} traits`),
});

export type AiEventInput = z.input<typeof aiEventSchema>;
export type AiEvent = z.output<typeof aiEventSchema>;
export type PartialEvent = z.output<typeof partialEventSchema>;
export type SignalInput = z.input<typeof signalSchema>;
export type Signal = z.output<typeof signalSchema>;
export type Identify = z.output<typeof identifySchema>;
