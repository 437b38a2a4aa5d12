import { Hono } from "hono";
import { fieldErrors } from "#core/api-errors";
import { mergeSchema, type mergeResponseSchema, moveSchema, type moveResponseSchema } from "#core/api/issues";
import type { z } from "zod";
import { ApiError } from "#shared/http/api-error";
import { deletionIndex } from "#shared/stores/event-data-deletion";
import { issueMember, moveEvent } from "#shared/stores/issue-membership";
import { findIssue, mergeIssues } from "#shared/stores/issue-store";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import { requireAdmin } from "../http/require-admin";
import { requestSplitRoute } from "../http/split-route";

/**
 * Teaching the grouper (admin key): merges and moves change the past and, through exemplars the
 * detect worker indexes, where similar events go from now on.
 */
export const issueTeachingRoutes = new Hono<ApiContext>()
	.post("/:id/merge", requireAdmin, async (c) => {
		const parsed = mergeSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The merge is not valid.", fieldErrors(parsed.error));
		const projectId = c.get("projectId");
		const [from, into] = await Promise.all([findIssue(c.env.DB, projectId, c.req.param("id")), findIssue(c.env.DB, projectId, parsed.data.into)]);
		if (!from || !into) throw new ApiError(404, "issue_not_found", "Both issues must exist in this project.");
		if (from.id === into.id || from.signal !== into.signal) {
			throw new ApiError(400, "invalid_body", "Merge into another issue of the same signal.", [
				{ field: "into", message: "must be another issue of the same signal" },
			]);
		}
		await mergeIssues({ db: c.env.DB, index: deletionIndex(c.env) }, { from, into, by: `key:${c.get("keyId")}`, now: Date.now(), teach: true });
		return c.json({ data: { merged: from.id, into: into.id } } satisfies z.infer<typeof mergeResponseSchema>);
	})
	/** Splitting re-clusters the issue's events: it runs on the next maintenance pass (202). */
	.post("/:id/split", requireAdmin, requestSplitRoute("issues"))
	.post("/:id/move", requireAdmin, async (c) => {
		const parsed = moveSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The move is not valid.", fieldErrors(parsed.error));
		const projectId = c.get("projectId");
		const from = await findIssue(c.env.DB, projectId, c.req.param("id"));
		if (!from) throw new ApiError(404, "issue_not_found", `No issue \`${c.req.param("id")}\` in this project.`);
		const to = parsed.data.to ? await findIssue(c.env.DB, projectId, parsed.data.to) : null;
		if (parsed.data.to && (!to || to.signal !== from.signal || to.id === from.id)) {
			throw new ApiError(400, "invalid_body", "Move to another issue of the same signal.", [
				{ field: "to", message: "must be another issue of the same signal" },
			]);
		}
		const member = await issueMember(c.env.DB, projectId, from.id, parsed.data.event_id);
		if (!member)
			throw new ApiError(404, "event_not_in_issue", `Event \`${parsed.data.event_id}\` is not in issue \`${from.id}\`.`, [
				{ field: "event_id", message: "is not in this issue" },
			]);
		await moveEvent(c.env.DB, {
			projectId,
			signal: from.signal,
			eventId: parsed.data.event_id,
			text: member.text,
			from: from.id,
			to: to?.id ?? null,
			by: `key:${c.get("keyId")}`,
			now: Date.now(),
		});
		return c.json({ data: { event_id: parsed.data.event_id, from: from.id, to: to?.id ?? null } } satisfies z.infer<typeof moveResponseSchema>);
	});
