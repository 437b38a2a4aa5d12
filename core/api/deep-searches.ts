import { z } from "zod";
import { DEFINITION_MAX_CHARS } from "../deep-search/types";
import { dataOf, isoTime } from "./envelope";

/**
 * Deep search (`/api/deep-searches`): a problem described in words, taught with labels, saved as a
 * signal. Requests are validated with these schemas; responses are typed by them.
 */

const definition = z
	.string({ error: "is required: describe the problem in words" })
	.trim()
	.min(1, "is empty: describe the problem in words, e.g. “the assistant claims it cannot access the user's calendar”")
	.max(DEFINITION_MAX_CHARS, `is longer than ${DEFINITION_MAX_CHARS} characters: say the problem in a sentence or a few`);

const eventId = z.string().trim().min(1, "is empty").max(200);
export const labelInputSchema = z.object({ event_id: eventId, match: z.boolean({ error: "is required: true or false" }) });

/** POST /api/deep-searches */
export const deepSearchInputSchema = z.object({
	definition,
	examples: z.array(labelInputSchema).max(100, "has more than 100 examples").default([]),
	/** The candidate pool's time range; default: every stored event. */
	from: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
	to: z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" }).optional(),
});
export type DeepSearchInput = z.output<typeof deepSearchInputSchema>;

/** POST /api/deep-searches/:id/labels */
export const labelRoundSchema = z.object({
	labels: z.array(labelInputSchema).min(1, "is empty: label at least one candidate").max(100, "has more than 100 labels"),
});

/** PATCH /api/deep-searches/:id: the operating point (a threshold on the calibration curve) or the definition's wording. */
export const deepSearchPatchSchema = z
	.object({ threshold: z.number().min(0.01).max(0.99).optional() })
	.refine((v) => v.threshold !== undefined, { message: "give `threshold`", path: ["threshold"] });

/** POST /api/deep-searches/:id/save: from then on a signal like the built-in ones. */
export const deepSearchSaveSchema = z.object({
	name: z
		.string({ error: "is required: the signal's name" })
		.regex(/^[a-z][a-z0-9_]{1,47}$/, "must be 2-48 lowercase letters, digits or _, starting with a letter"),
	polarity: z.enum(["negative", "positive"]).default("negative"),
	threshold: z.number().min(0.01).max(0.99).optional(),
	backfill: z.boolean().default(true).describe("Score the events stored before (a job with progress)"),
});

export const calibrationPointSchema = z.object({
	threshold: z.number(),
	precision: z.number(),
	recall: z.number(),
	precision_low: z.number(),
	precision_high: z.number(),
	recall_low: z.number(),
	recall_high: z.number(),
});

export const candidateViewSchema = z.object({
	event_id: z.string(),
	timestamp: isoTime.nullable(),
	user_id: z.string(),
	input: z.string().nullable(),
	output: z.string().nullable(),
	match: z.boolean().describe("The match check's verdict at the current operating point"),
	score: z.number().describe("p(match) from the current model"),
	reason: z.string(),
	checked_by: z.enum(["llm", "encoder"]).describe("Who gave the verdict: the LLM match check (production) or the encoder's scorer (offline)"),
	label: z.boolean().nullable().describe("What a person said, if anyone labelled it"),
});
export type CandidateView = z.infer<typeof candidateViewSchema>;

export const deepSearchSchema = z.object({
	id: z.string(),
	definition: z.string(),
	state: z.enum(["draft", "saved"]),
	version: z.number().int().describe("Increments on every refit or new operating point"),
	threshold: z.number(),
	labels: z.object({ total: z.number().int(), matches: z.number().int(), non_matches: z.number().int(), without_event: z.number().int() }),
	pool: z.object({ size: z.number().int(), predicted_matches: z.number().int() }),
	calibration: z.object({ points: z.array(calibrationPointSchema), suggested: z.number(), labels: z.number().int() }),
	question: z.object({ question: z.string(), match_id: z.string(), non_match_id: z.string() }).nullable(),
	next: z.array(candidateViewSchema).describe("The most informative candidates to label next"),
	signal: z.object({ name: z.string(), polarity: z.enum(["negative", "positive"]), saved_version: z.number().int(), job_id: z.string().nullable() }).nullable(),
	note: z.string().nullable().describe("Said when something needs the user's attention, e.g. no candidates yet"),
	created_at: isoTime,
	updated_at: isoTime,
});
export type DeepSearch = z.infer<typeof deepSearchSchema>;

export const deepSearchResponseSchema = dataOf(deepSearchSchema);
export const labelRoundResponseSchema = dataOf(
	deepSearchSchema.extend({
		rejected: z.array(z.object({ event_id: z.string(), reason: z.string() })).describe("Labels not kept, each with why (e.g. the event was deleted)"),
	}),
);
export const deepSearchListSchema = dataOf(
	z.array(deepSearchSchema.pick({ id: true, definition: true, state: true, version: true, threshold: true, signal: true, created_at: true, updated_at: true })),
);
export const candidatePageSchema = z.object({ data: z.array(candidateViewSchema), next_offset: z.number().int().nullable() });
export const deepSearchHistorySchema = dataOf(
	z.array(
		z.object({
			version: z.number().int(),
			kind: z.enum(["refit", "operating_point", "saved"]),
			threshold: z.number(),
			labels: z.number().int(),
			by: z.string(),
			at: isoTime,
		}),
	),
);
