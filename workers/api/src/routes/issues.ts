import { Hono } from "hono";
import type { z } from "zod";
import { fieldErrors, type FieldError } from "#core/api-errors";
import {
	type comparisonResponseSchema,
	issueListQuerySchema,
	issueStateSchema,
	priorityFactorsSchema,
	stateChangeSchema,
	type stateChangeResponseSchema,
	type IssueList,
	type IssueResponse,
	type issueChangesResponseSchema,
} from "#core/api/issues";
import { decodeIssueCursor } from "#core/issues/issue-list-order";
import { MAX_PROPERTY_FILTERS, MAX_QUERY_TEXT, PROPERTY_KEY } from "#core/event-query";
import { ApiError } from "#shared/http/api-error";
import { findIssue, setIssueState, setPriorityFactors } from "#shared/stores/issue-store";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import { compareIssue, issueChanges } from "../reads/comparisons";
import { dayWindow } from "../http/day-window";
import { getIssue, issueExists, listIssues } from "../reads/issue-reads";
import { intQuery } from "../http/query-params";
import { requireAdmin } from "../http/require-admin";

export const issueRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 14);
		const state = c.req.query("state");
		if (state && !issueStateSchema.safeParse(state).success) {
			throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", [
				{ field: "state", message: `must be one of ${issueStateSchema.options.join(", ")}` },
			]);
		}
		const limit = intQuery(c, "limit", { min: 1, max: 200, fallback: 50 });
		const properties: Record<string, string> = {};
		const errors: FieldError[] = [];
		for (const [k, v] of Object.entries(c.req.queries())) {
			if (!k.startsWith("property.") || !v[0]) continue;
			const key = k.slice("property.".length);
			if (!PROPERTY_KEY.test(key)) errors.push({ field: k, message: "property names may hold letters, digits, _ . $ -" });
			else if (v[0].length > MAX_QUERY_TEXT) errors.push({ field: k, message: `must be at most ${MAX_QUERY_TEXT} characters` });
			else properties[key] = v[0];
		}
		if (Object.keys(properties).length > MAX_PROPERTY_FILTERS)
			errors.push({ field: "property", message: `at most ${MAX_PROPERTY_FILTERS} property filters per request` });
		const text = issueListQuerySchema
			.pick({ signal: true, intent: true, model: true })
			.safeParse({ signal: c.req.query("signal"), intent: c.req.query("intent"), model: c.req.query("model") });
		if (!text.success) errors.push(...fieldErrors(text.error));
		const cursor = c.req.query("cursor");
		const after = cursor === undefined ? undefined : decodeIssueCursor(cursor);
		if (cursor !== undefined && !after) errors.push({ field: "cursor", message: "is not a cursor returned by this API" });
		if (errors.length) throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", errors);
		return c.json(
			(await listIssues(c.env.DB, c.get("projectId"), {
				signal: c.req.query("signal"),
				state,
				intent: c.req.query("intent"),
				model: c.req.query("model"),
				properties,
				fromDay,
				toDay,
				limit,
				after,
			})) satisfies IssueList,
		);
	})
	.get("/changes", async (c) => c.json({ data: await issueChanges(c, c.env.DB, c.get("projectId")) } satisfies z.infer<typeof issueChangesResponseSchema>))
	.get("/:id", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 30);
		const issue = await getIssue(c.env.DB, c.get("projectId"), c.req.param("id"), fromDay, toDay);
		if (!issue) throw new ApiError(404, "issue_not_found", `No issue \`${c.req.param("id")}\` in this project.`);
		return c.json({ data: issue } satisfies IssueResponse);
	})
	.get("/:id/compare", async (c) => {
		if (!(await issueExists(c.env.DB, c.get("projectId"), c.req.param("id"))))
			throw new ApiError(404, "issue_not_found", `No issue \`${c.req.param("id")}\` in this project.`);
		return c.json({ data: await compareIssue(c, c.env.DB, c.get("projectId"), c.req.param("id")) } satisfies z.infer<typeof comparisonResponseSchema>);
	})
	.patch("/:id", requireAdmin, async (c) => {
		const parsed = priorityFactorsSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The priority factors are not valid.", fieldErrors(parsed.error));
		const { achievable_delta, strategic_relevance } = parsed.data;
		const found = await setPriorityFactors(c.env.DB, c.get("projectId"), c.req.param("id"), { achievable_delta, strategic_relevance });
		if (!found) throw new ApiError(404, "issue_not_found", `No issue \`${c.req.param("id")}\` in this project.`);
		const issue = await getIssue(c.env.DB, c.get("projectId"), c.req.param("id"), ...(Object.values(dayWindow(c, 14)) as [number, number]));
		return c.json({ data: issue });
	})
	.post("/:id/state", requireAdmin, async (c) => {
		const parsed = stateChangeSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The state change is not valid.", fieldErrors(parsed.error));
		const { state, reason, until_more_users, in_release } = parsed.data;
		const id = c.req.param("id");
		const current = await findIssue(c.env.DB, c.get("projectId"), id);
		if (!current) throw new ApiError(404, "issue_not_found", `No issue \`${id}\` in this project.`);
		await setIssueState(c.env.DB, {
			issueId: id,
			from: current.state,
			to: state,
			by: `key:${c.get("keyId")}`,
			at: Date.now(),
			reason,
			untilMoreUsers: until_more_users,
			inRelease: in_release,
		});
		return c.json({ data: { id, state, previous_state: current.state } } satisfies z.infer<typeof stateChangeResponseSchema>);
	});
