import { z } from "zod";
import { dataOf, isoTime } from "./envelope";

/**
 * Events, signals and conversations as the read API returns them (`/api/events`,
 * `/api/conversations`). Types only at run time: the api declares its reads' return types with
 * them, the dashboard's client its results, and the api tests parse real responses with them.
 */
export const propertyValueSchema = z.union([z.string(), z.number(), z.boolean()]);
export type PropertyValue = z.infer<typeof propertyValueSchema>;

export const signalViewSchema = z.object({
	signal_id: z.string(),
	event_id: z.string(),
	signal: z.string(),
	timestamp: isoTime.nullable(),
	user_id: z.string().nullable(),
	comment: z.string().nullable(),
	properties: z.record(z.string(), z.unknown()),
});
export type SignalView = z.infer<typeof signalViewSchema>;

export const toolCallViewSchema = z.object({
	index: z.number().int(),
	name: z.string(),
	input: z.string().nullable(),
	output: z.string().nullable(),
	truncated: z
		.boolean()
		.describe("True when input or output is longer than the 500 characters shown here; GET /api/events/:id and conversations return them whole"),
	error: z.string().nullable(),
	duration_ms: z.number().nullable(),
});
export type ToolCallView = z.infer<typeof toolCallViewSchema>;

export const eventViewSchema = z.object({
	event_id: z.string(),
	timestamp: isoTime.nullable(),
	received_at: isoTime.nullable(),
	user_id: z.string(),
	convo_id: z.string().nullable(),
	event: z.string(),
	model: z.string().nullable(),
	input: z.string().nullable(),
	output: z.string().nullable(),
	texts_truncated: z
		.boolean()
		.describe(
			"True when input or output is longer than the 2,000 characters lists and search return, or an attachment's value longer than 500 (the first characters are shown); GET /api/events/:id and conversations return them whole",
		),
	properties: z.record(z.string(), propertyValueSchema),
	attachments: z.array(z.unknown()),
	tool_call_count: z.number().int(),
});
export type EventView = z.infer<typeof eventViewSchema>;

export const evidenceSchema = z.object({ field: z.string(), start: z.number(), end: z.number(), text: z.string() });
export type EvidenceView = z.infer<typeof evidenceSchema>;

export const detectionViewSchema = z
	.object({
		signal: z.string(),
		score: z.number(),
		stage: z.string(),
		evidence: evidenceSchema.nullable().describe("The span of the input or output that triggered it"),
		reason: z.string().nullable().describe("The LLM check's reason, when it decided"),
	})
	.describe("A signal detected on the event: which stage decided, how sure, and the span that triggered it");
export type DetectionView = z.infer<typeof detectionViewSchema>;

export const eventListItemSchema = eventViewSchema.extend({
	signals: z.array(signalViewSchema),
	detections: z.array(detectionViewSchema),
	intent: z.object({ id: z.string(), name: z.string() }).nullable().describe("The turn-level intent discovered for the user's input, once there is one"),
});
export type EventListItem = z.infer<typeof eventListItemSchema>;

export const eventDetailSchema = eventListItemSchema.extend({ tool_calls: z.array(toolCallViewSchema) });
export type EventDetail = z.infer<typeof eventDetailSchema>;

const nextCursor = z.string().nullable().describe("Pass as `cursor` for the next page; null on the last one");

/** GET /api/events */
export const eventPageSchema = z.object({ data: z.array(eventListItemSchema), next_cursor: nextCursor });
export type EventPage = z.infer<typeof eventPageSchema>;

/** GET /api/events/search */
export const eventSearchResponseSchema = z.object({
	mode: z.enum(["meaning", "text", "hybrid"]).describe("How events were searched: `mode`, meaning by default"),
	data: z.array(
		eventListItemSchema.extend({
			score: z
				.number()
				.describe(
					"Higher is closer: by meaning, cosine similarity to the query (the closer of input and output); as text, BM25 relevance of the words; hybrid, the reciprocal rank fusion of both rankings",
				),
			found_by: z.array(z.enum(["meaning", "text"])).describe("Which rankings found the event: hybrid may say both"),
		}),
	),
	searched: z
		.number()
		.int()
		.describe(
			"As text, how many stored events match the words and filters, counted up to the ranking's depth (the 10,000 stored last); by meaning and hybrid, how many stored events pass the filters (every one with vectors is ranked)",
		),
	ranked: z
		.number()
		.int()
		.nullable()
		.describe(
			"How many events the ranking holds: the pages end there. By meaning and hybrid, the nearest 100 at most (Vectorize's limit). As text null when every match is ranked; 10,000 when more match, of which the 10,000 stored last are ranked (narrow by user, model or dates to reach the rest)",
		),
	next_cursor: nextCursor.describe("Pass as `cursor` for the next page of the ranking; null on its last page"),
});
export type EventSearchResponse = z.infer<typeof eventSearchResponseSchema>;

/** GET /api/events/:id */
export const eventResponseSchema = dataOf(eventDetailSchema);
export type EventResponse = z.infer<typeof eventResponseSchema>;

export const userViewSchema = z.object({
	user_id: z.string(),
	traits: z.record(z.string(), z.unknown()),
	first_seen: isoTime.nullable(),
	last_seen: isoTime.nullable(),
});
export type UserView = z.infer<typeof userViewSchema>;

export const conversationViewSchema = z.object({
	convo_id: z.string(),
	user_id: z.string(),
	first_seen: isoTime.nullable(),
	last_seen: isoTime.nullable(),
	event_count: z.number().int(),
	user: userViewSchema.nullable(),
	events: z.array(eventDetailSchema),
	next_cursor: nextCursor,
});
export type ConversationView = z.infer<typeof conversationViewSchema>;

/** GET /api/conversations/:id */
export const conversationResponseSchema = dataOf(conversationViewSchema);
export type ConversationResponse = z.infer<typeof conversationResponseSchema>;
