import { Hono } from "hono";
import type { z } from "zod";
import { fieldErrors } from "#core/api-errors";
import { intentLevelSchema, type intentMatrixSchema, intentPatchSchema, type intentPatchResponseSchema } from "#core/api/intents";
import { mergeSchema, type mergeResponseSchema } from "#core/api/issues";
import { ApiError } from "#shared/http/api-error";
import { deletionIndex } from "#shared/stores/event-data-deletion";
import { existingIntents, mergeIntents, patchIntent } from "#shared/stores/intent-store";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import { dayWindow } from "../http/day-window";
import { intentSignalMatrix, listConversationIntents, listIntents } from "../reads/intent-reads";
import { requireAdmin } from "../http/require-admin";
import { requestSplitRoute } from "../http/split-route";

export const intentRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 14);
		const level = intentLevelSchema.safeParse(c.req.query("level"));
		if (!level.success) {
			throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", [{ field: "level", message: "must be `turn` or `conversation`" }]);
		}
		return c.json(
			level.data === "turn"
				? await listIntents(c.env.DB, c.get("projectId"), fromDay, toDay)
				: await listConversationIntents(c.env.DB, c.get("projectId"), fromDay, toDay),
		);
	})
	.get("/matrix", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 14);
		return c.json({ data: await intentSignalMatrix(c.env.DB, c.get("projectId"), fromDay, toDay) } satisfies z.infer<typeof intentMatrixSchema>);
	})
	/** Splitting into sub-intents re-clusters the intent's inputs on the next maintenance pass (202). */
	.post("/:id/split", requireAdmin, requestSplitRoute("intents"))
	.patch("/:id", requireAdmin, async (c) => {
		const parsed = intentPatchSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The intent is not valid.", fieldErrors(parsed.error));
		const p = parsed.data;
		const row = await patchIntent(c.env.DB, c.get("projectId"), c.req.param("id"), p, `key:${c.get("keyId")}`);
		if (!row) throw new ApiError(404, "intent_not_found", `No intent \`${c.req.param("id")}\` in this project.`);
		return c.json({ data: row } satisfies z.infer<typeof intentPatchResponseSchema>);
	})
	/** Moves every event of this intent into another and removes it, as the maintenance pass merges duplicates (intent-store). */
	.post("/:id/merge", requireAdmin, async (c) => {
		const parsed = mergeSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The merge is not valid.", fieldErrors(parsed.error));
		const projectId = c.get("projectId");
		const from = c.req.param("id");
		const into = parsed.data.into;
		if (from === into)
			throw new ApiError(400, "invalid_body", "An intent cannot be merged into itself.", [{ field: "into", message: "must be another intent" }]);
		const found = await existingIntents(c.env.DB, projectId, [from, into]);
		if (found.size !== 2) throw new ApiError(404, "intent_not_found", "Both intents must exist in this project.");
		await mergeIntents({ db: c.env.DB, index: deletionIndex(c.env) }, { projectId, from, into });
		return c.json({ data: { merged: from, into } } satisfies z.infer<typeof mergeResponseSchema>);
	});
