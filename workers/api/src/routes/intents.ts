import { Hono } from "hono";
import type { z } from "zod";
import { fieldErrors } from "../../../../core/api-errors";
import { intentLevelSchema, type intentMatrixSchema, intentPatchSchema } from "../../../../core/api/intents";
import { mergeSchema } from "../../../../core/api/issues";
import { ApiError } from "../../../shared/src/api-error";
import { readJsonBody } from "../../../shared/src/json-body";
import type { ApiContext } from "../api-env";
import { dayWindow } from "../day-window";
import { intentSignalMatrix, listConversationIntents, listIntents } from "../intent-reads";
import { requireAdmin } from "../require-admin";

export const intentRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 14);
		const level = intentLevelSchema.safeParse(c.req.query("level"));
		if (!level.success) {
			throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", [{ field: "level", message: "must be `turn` or `conversation`" }]);
		}
		return c.json(level.data === "turn" ? await listIntents(c.env.DB, c.get("projectId"), fromDay, toDay) : await listConversationIntents(c.env.DB, c.get("projectId"), fromDay, toDay));
	})
	.get("/matrix", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 14);
		return c.json({ data: await intentSignalMatrix(c.env.DB, c.get("projectId"), fromDay, toDay) } satisfies z.infer<typeof intentMatrixSchema>);
	})
	/** Splitting into sub-intents re-clusters the intent's inputs on the next maintenance pass (202). */
	.post("/:id/split", requireAdmin, async (c) => {
		const { meta } = await c.env.DB.prepare("UPDATE intents SET split_requested_at = ? WHERE id = ? AND project_id = ?").bind(Date.now(), c.req.param("id"), c.get("projectId")).run();
		if (meta.changes === 0) throw new ApiError(404, "intent_not_found", `No intent \`${c.req.param("id")}\` in this project.`);
		return c.json({ data: { id: c.req.param("id"), split: "requested" } }, 202);
	})
	.patch("/:id", requireAdmin, async (c) => {
		const parsed = intentPatchSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The intent is not valid.", fieldErrors(parsed.error));
		const p = parsed.data;
		const row = await c.env.DB.prepare(
			`UPDATE intents SET name = coalesce(?1, name), named_by = CASE WHEN ?1 IS NULL THEN named_by ELSE ?2 END,
				achievable_delta = coalesce(?3, achievable_delta), strategic_relevance = coalesce(?4, strategic_relevance)
			 WHERE id = ?5 AND project_id = ?6 RETURNING id, name, achievable_delta, strategic_relevance`,
		)
			.bind(p.name ?? null, `key:${c.get("keyId")}`, p.achievable_delta ?? null, p.strategic_relevance ?? null, c.req.param("id"), c.get("projectId"))
			.first();
		if (!row) throw new ApiError(404, "intent_not_found", `No intent \`${c.req.param("id")}\` in this project.`);
		return c.json({ data: row });
	})
	/** Moves every event of this intent into another and removes it; the detect worker drops its stale vector on next sight. */
	.post("/:id/merge", requireAdmin, async (c) => {
		const parsed = mergeSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The merge is not valid.", fieldErrors(parsed.error));
		const projectId = c.get("projectId");
		const from = c.req.param("id");
		const into = parsed.data.into;
		if (from === into) throw new ApiError(400, "invalid_body", "An intent cannot be merged into itself.", [{ field: "into", message: "must be another intent" }]);
		const found = await c.env.DB.prepare("SELECT id FROM intents WHERE project_id = ? AND id IN (?, ?)").bind(projectId, from, into).all<{ id: string }>();
		if (found.results.length !== 2) throw new ApiError(404, "intent_not_found", "Both intents must exist in this project.");
		await c.env.DB.batch([
			c.env.DB.prepare("UPDATE event_intents SET intent_id = ? WHERE project_id = ? AND intent_id = ?").bind(into, projectId, from),
			c.env.DB.prepare("DELETE FROM intents WHERE id = ? AND project_id = ?").bind(from, projectId),
		]);
		return c.json({ data: { merged: from, into } });
	});
