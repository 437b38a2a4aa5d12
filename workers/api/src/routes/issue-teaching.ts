import { Hono } from "hono";
import { fieldErrors } from "../../../../core/api-errors";
import { mergeSchema, moveSchema } from "../../../../core/api/issues";
import { newId } from "../../../../core/ids";
import { ApiError } from "../../../shared/src/api-error";
import { deletionIndex } from "../../../shared/src/event-data-deletion";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "../../../shared/src/issue-event-text";
import { mergeIssues } from "../../../shared/src/issue-store";
import { readJsonBody } from "../../../shared/src/json-body";
import type { ApiContext } from "../api-env";
import { requireAdmin } from "../require-admin";

/** An event of an issue with the text the grouper compares for it. */
const MEMBER = `SELECT ${ISSUE_EVENT_TEXT} AS text, ie.user_id, ie.timestamp, ie.signal ${ISSUE_EVENT_JOINS}
	WHERE ie.project_id = ? AND ie.issue_id = ? AND ie.event_id = ?`;

async function issueOf(db: D1Database, projectId: string, id: string) {
	return db.prepare("SELECT id, signal, state FROM issues WHERE id = ? AND project_id = ?").bind(id, projectId).first<{ id: string; signal: string; state: string }>();
}

/**
 * Teaching the grouper (admin key): merges and moves change the past and, through exemplars the
 * detect worker indexes, where similar events go from now on.
 */
export const issueTeachingRoutes = new Hono<ApiContext>()
	.post("/:id/merge", requireAdmin, async (c) => {
		const parsed = mergeSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The merge is not valid.", fieldErrors(parsed.error));
		const projectId = c.get("projectId");
		const [from, into] = await Promise.all([issueOf(c.env.DB, projectId, c.req.param("id")), issueOf(c.env.DB, projectId, parsed.data.into)]);
		if (!from || !into) throw new ApiError(404, "issue_not_found", "Both issues must exist in this project.");
		if (from.id === into.id || from.signal !== into.signal) {
			throw new ApiError(400, "invalid_body", "Merge into another issue of the same signal.", [{ field: "into", message: "must be another issue of the same signal" }]);
		}
		// Production needs the api bound to Vectorize (as detect is) to remove the merged issue's centre: see deletionIndex.
		await mergeIssues({ db: c.env.DB, index: deletionIndex(c.env) }, { from, into, by: `key:${c.get("keyId")}`, now: Date.now(), teach: true });
		return c.json({ data: { merged: from.id, into: into.id } });
	})
	/** Splitting re-clusters the issue's events: it runs on the next maintenance pass (202). */
	.post("/:id/split", requireAdmin, async (c) => {
		const { meta } = await c.env.DB.prepare("UPDATE issues SET split_requested_at = ? WHERE id = ? AND project_id = ?").bind(Date.now(), c.req.param("id"), c.get("projectId")).run();
		if (meta.changes === 0) throw new ApiError(404, "issue_not_found", `No issue \`${c.req.param("id")}\` in this project.`);
		return c.json({ data: { id: c.req.param("id"), split: "requested" } }, 202);
	})
	.post("/:id/move", requireAdmin, async (c) => {
		const parsed = moveSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The move is not valid.", fieldErrors(parsed.error));
		const projectId = c.get("projectId");
		const from = await issueOf(c.env.DB, projectId, c.req.param("id"));
		if (!from) throw new ApiError(404, "issue_not_found", `No issue \`${c.req.param("id")}\` in this project.`);
		const to = parsed.data.to ? await issueOf(c.env.DB, projectId, parsed.data.to) : null;
		if (parsed.data.to && (!to || to.signal !== from.signal || to.id === from.id)) {
			throw new ApiError(400, "invalid_body", "Move to another issue of the same signal.", [{ field: "to", message: "must be another issue of the same signal" }]);
		}
		const member = await c.env.DB.prepare(MEMBER).bind(projectId, from.id, parsed.data.event_id).first<{ text: string; user_id: string; timestamp: number; signal: string }>();
		if (!member) throw new ApiError(404, "event_not_in_issue", `Event \`${parsed.data.event_id}\` is not in issue \`${from.id}\`.`, [{ field: "event_id", message: "is not in this issue" }]);
		const now = Date.now();
		const exemplar = (kind: "must" | "cannot", issueId: string) =>
			c.env.DB.prepare("INSERT INTO issue_exemplars (id, project_id, signal, event_id, kind, issue_id, text, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").bind(
				newId("ex"),
				projectId,
				from.signal,
				parsed.data.event_id,
				kind,
				issueId,
				member.text,
				`key:${c.get("keyId")}`,
				now,
			);
		const statements = to
			? [c.env.DB.prepare("UPDATE issue_events SET issue_id = ? WHERE project_id = ? AND signal = ? AND event_id = ?").bind(to.id, projectId, from.signal, parsed.data.event_id), exemplar("must", to.id)]
			: [
					c.env.DB.prepare("DELETE FROM issue_events WHERE project_id = ? AND signal = ? AND event_id = ?").bind(projectId, from.signal, parsed.data.event_id),
					exemplar("cannot", from.id),
				];
		await c.env.DB.batch(statements);
		return c.json({ data: { event_id: parsed.data.event_id, from: from.id, to: to?.id ?? null } });
	});
