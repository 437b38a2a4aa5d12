import { Hono } from "hono";
import { z } from "zod";
import { fieldErrors } from "../../../../core/api-errors";
import { newId } from "../../../../core/ids";
import { ApiError } from "../../../shared/src/api-error";
import { ISSUE_EVENT_JOINS, ISSUE_EVENT_TEXT } from "../../../shared/src/issue-event-text";
import { readJsonBody } from "../../../shared/src/json-body";
import type { ApiContext } from "../api-env";
import { requireAdmin } from "../require-admin";

const mergeSchema = z.object({ into: z.string().min(1).max(100) });
const moveSchema = z.object({ event_id: z.string().min(1).max(200), to: z.string().min(1).max(100).optional() });

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
		const now = Date.now();
		const by = `key:${c.get("keyId")}`;
		await c.env.DB.batch([
			// Events like the merged issue's now belong to the target: its latest events become exemplars there.
			c.env.DB.prepare(
				`INSERT INTO issue_exemplars (id, project_id, signal, event_id, kind, issue_id, text, created_by, created_at)
				 SELECT 'ex_' || lower(hex(randomblob(10))), ie.project_id, ie.signal, ie.event_id, 'must', ?1, ${ISSUE_EVENT_TEXT}, ?3, ?4
				 ${ISSUE_EVENT_JOINS} WHERE ie.issue_id = ?2 ORDER BY ie.timestamp DESC LIMIT 5`,
			).bind(into.id, from.id, by, now),
			c.env.DB.prepare("UPDATE issue_events SET issue_id = ? WHERE issue_id = ?").bind(into.id, from.id),
			c.env.DB.prepare("UPDATE issue_exemplars SET issue_id = ?, indexed_at = NULL WHERE issue_id = ?").bind(into.id, from.id),
			c.env.DB.prepare("UPDATE issues SET first_seen = min(first_seen, (SELECT first_seen FROM issues WHERE id = ?2)), last_seen = max(last_seen, (SELECT last_seen FROM issues WHERE id = ?2)) WHERE id = ?1").bind(into.id, from.id),
			c.env.DB.prepare("INSERT INTO issue_state_changes (id, issue_id, from_state, to_state, changed_by, reason, at) VALUES (?, ?, ?, 'merged', ?, ?, ?)").bind(newId("isc"), from.id, from.state, by, `merged into ${into.id}`, now),
			c.env.DB.prepare("INSERT INTO issue_state_changes (id, issue_id, from_state, to_state, changed_by, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)").bind(newId("isc"), into.id, into.state, into.state, by, `absorbed ${from.id}`, now),
			c.env.DB.prepare("DELETE FROM issues WHERE id = ?").bind(from.id),
		]);
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
