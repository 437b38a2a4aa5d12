import { z } from "zod";
import { alertRuleInputSchema, alertRulePatchSchema } from "../alerts/alert-rule-input";
import { customSignalInputSchema } from "../detection/custom-signals";
import { projectSettingsPatchSchema } from "../privacy/privacy-settings";
import { askInputSchema, askResponseSchema, askStatusResponseSchema } from "./ask";
import { alertDeliveryPageSchema, alertDeliveryResponseSchema, alertRuleListSchema, alertRuleResponseSchema } from "./alerts";
import {
	candidatePageSchema,
	deepSearchHistorySchema,
	deepSearchInputSchema,
	deepSearchListSchema,
	deepSearchPatchSchema,
	deepSearchResponseSchema,
	deepSearchSaveSchema,
	labelRoundResponseSchema,
	labelRoundSchema,
} from "./deep-searches";
import { deadLetterPageSchema, replayResponseSchema } from "./dead-letters";
import { jobListSchema, jobResponseSchema, newJobSchema } from "./jobs";
import { conversationResponseSchema, eventPageSchema, eventResponseSchema, eventSearchResponseSchema } from "./events";
import { conversationIntentListSchema, intentListSchema, intentMatrixSchema, intentPatchResponseSchema, intentPatchSchema } from "./intents";
import {
	comparisonResponseSchema,
	issueChangesResponseSchema,
	issueListSchema,
	issueResponseSchema,
	mergeResponseSchema,
	mergeSchema,
	moveResponseSchema,
	moveSchema,
	priorityFactorsSchema,
	splitResponseSchema,
	stateChangeResponseSchema,
	stateChangeSchema,
} from "./issues";
import { apiKeyListSchema, markerListSchema, newKeyResponseSchema, newKeySchema, projectResponseSchema, projectSettingsResponseSchema } from "./project";
import { customSignalListSchema, customSignalResponseSchema, signalCatalogSchema, signalRatesResponseSchema } from "./signals";
import {
	candidatePageQuery,
	conversationQuery,
	eventListQuery,
	eventSearchQuery,
	intentListQuery,
	intentMatrixQuery,
	issueChangesQuery,
	issueCompareQuery,
	issueDetailQuery,
	issueListQuery,
	pageQuery,
	signalCompareQuery,
	signalRatesQuery,
	windowQuery30,
} from "./route-queries";
import { userDeletionResponseSchema } from "./users";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** One route of the read API: the body it takes (if any) and what it answers. */
export interface RouteSpec {
	/** Query parameters (GET routes): documented, and the read tools' arguments. */
	query?: z.ZodObject;
	body?: z.ZodType;
	response: z.ZodType;
}

const deliveryPageQuery = pageQuery(200, {
	before: z.number().int().min(0).optional().describe("Deliveries created before this time (epoch milliseconds)"),
});

/** 204 No Content. */
const noContent = z.undefined();

/**
 * Every route of the read API, keyed by "METHOD path" exactly as the api worker mounts it
 * (workers/api/test/api-routes.test.ts fails when the two differ). The dashboard's client names
 * a route by its key, so its path, body and response type all come from here.
 */
export const API_ROUTES = {
	"GET /api/health": { response: z.object({ ok: z.literal(true), service: z.literal("api") }) },
	"GET /api/openapi.json": {
		response: z
			.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) })
			.describe("This document: OpenAPI 3.1, generated from the API's zod schemas"),
	},
	"GET /api/project": { response: projectResponseSchema },
	"GET /api/project/markers": { query: windowQuery30, response: markerListSchema },
	"GET /api/project/keys": { response: apiKeyListSchema },
	"POST /api/project/keys": { body: newKeySchema, response: newKeyResponseSchema },
	"DELETE /api/project/keys/:id": { response: noContent },
	"GET /api/project/settings": { response: projectSettingsResponseSchema },
	"PATCH /api/project/settings": { body: projectSettingsPatchSchema, response: projectSettingsResponseSchema },
	"GET /api/events": { query: eventListQuery, response: eventPageSchema },
	"GET /api/events/search": { query: eventSearchQuery, response: eventSearchResponseSchema },
	"GET /api/events/:id": { response: eventResponseSchema },
	"GET /api/conversations/:id": { query: conversationQuery, response: conversationResponseSchema },
	"GET /api/signals": { response: signalCatalogSchema },
	"GET /api/signals/rates": { query: signalRatesQuery, response: signalRatesResponseSchema },
	"GET /api/signals/:signal/compare": { query: signalCompareQuery, response: comparisonResponseSchema },
	"GET /api/custom-signals": { response: customSignalListSchema },
	"POST /api/custom-signals": { body: customSignalInputSchema, response: customSignalResponseSchema },
	"DELETE /api/custom-signals/:id": { response: noContent },
	"GET /api/deep-searches": { response: deepSearchListSchema },
	"POST /api/deep-searches": { body: deepSearchInputSchema, response: deepSearchResponseSchema },
	"GET /api/deep-searches/:id": { response: deepSearchResponseSchema },
	"GET /api/deep-searches/:id/candidates": { query: candidatePageQuery, response: candidatePageSchema },
	"GET /api/deep-searches/:id/history": { response: deepSearchHistorySchema },
	"POST /api/deep-searches/:id/labels": { body: labelRoundSchema, response: labelRoundResponseSchema },
	"PATCH /api/deep-searches/:id": { body: deepSearchPatchSchema, response: deepSearchResponseSchema },
	"POST /api/deep-searches/:id/save": { body: deepSearchSaveSchema, response: deepSearchResponseSchema },
	"DELETE /api/deep-searches/:id": { response: noContent },
	"GET /api/issues": { query: issueListQuery, response: issueListSchema },
	"GET /api/issues/changes": { query: issueChangesQuery, response: issueChangesResponseSchema },
	"GET /api/issues/:id": { query: issueDetailQuery, response: issueResponseSchema },
	"GET /api/issues/:id/compare": { query: issueCompareQuery, response: comparisonResponseSchema },
	"PATCH /api/issues/:id": { body: priorityFactorsSchema, response: issueResponseSchema },
	"POST /api/issues/:id/state": { body: stateChangeSchema, response: stateChangeResponseSchema },
	"POST /api/issues/:id/merge": { body: mergeSchema, response: mergeResponseSchema },
	"POST /api/issues/:id/split": { response: splitResponseSchema },
	"POST /api/issues/:id/move": { body: moveSchema, response: moveResponseSchema },
	"GET /api/intents": { query: intentListQuery, response: z.union([intentListSchema, conversationIntentListSchema]) },
	"GET /api/intents/matrix": { query: intentMatrixQuery, response: intentMatrixSchema },
	"PATCH /api/intents/:id": { body: intentPatchSchema, response: intentPatchResponseSchema },
	"POST /api/intents/:id/merge": { body: mergeSchema, response: mergeResponseSchema },
	"POST /api/intents/:id/split": { response: splitResponseSchema },
	"GET /api/alerts/rules": { response: alertRuleListSchema },
	"POST /api/alerts/rules": { body: alertRuleInputSchema, response: alertRuleResponseSchema },
	"GET /api/alerts/rules/:id": { response: alertRuleResponseSchema },
	"PATCH /api/alerts/rules/:id": { body: alertRulePatchSchema, response: alertRuleResponseSchema },
	"DELETE /api/alerts/rules/:id": { response: noContent },
	"GET /api/alerts/rules/:id/deliveries": { query: deliveryPageQuery, response: alertDeliveryPageSchema },
	"POST /api/alerts/rules/:id/test": { response: alertDeliveryResponseSchema },
	"GET /api/dead-letters": { query: pageQuery(100), response: deadLetterPageSchema },
	"POST /api/dead-letters/replay": { response: replayResponseSchema },
	"DELETE /api/users/:id": { response: userDeletionResponseSchema },
	"GET /api/jobs": { response: jobListSchema },
	"POST /api/jobs": { body: newJobSchema, response: jobResponseSchema },
	"GET /api/jobs/:id": { response: jobResponseSchema },
	"GET /api/ask": { response: askStatusResponseSchema },
	"POST /api/ask": { body: askInputSchema, response: askResponseSchema },
} as const satisfies Record<`${HttpMethod} /api/${string}`, RouteSpec>;

export type ApiRoutes = typeof API_ROUTES;
export type RouteKey = keyof ApiRoutes;
/** What a route answers. */
export type RouteResponse<K extends RouteKey> = z.infer<ApiRoutes[K]["response"]>;
/** What a route takes as its JSON body (its input: defaults may be left out). */
export type RouteBody<K extends RouteKey> = ApiRoutes[K] extends { body: z.ZodType } ? z.input<ApiRoutes[K]["body"]> : never;
/** The `:name` segments of a route's path, as an object of strings. */
export type RouteParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
	? { [K in Name]: string } & RouteParams<`/${Rest}`>
	: P extends `${string}:${infer Name}`
		? { [K in Name]: string }
		: Record<never, never>;
