import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import type { ConversationResponse } from "#core/api/events";
import { decodeCursor } from "#core/event-query";
import * as schema from "#db/schema";
import { ApiError } from "#shared/http/api-error";
import type { ApiContext } from "../api-env";
import { eventBodyStore } from "#shared/adapters/event-body-store";
import { CONVERSATION_PAGE, getConversation } from "../reads/event-reads";

export const conversationRoutes = new Hono<ApiContext>().get("/:id", async (c) => {
	const id = c.req.param("id");
	const limitParam = c.req.query("limit");
	const limit = limitParam === undefined ? CONVERSATION_PAGE.defaultLimit : Number(limitParam);
	if (!Number.isInteger(limit) || limit < 1 || limit > CONVERSATION_PAGE.maxLimit) {
		throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", [
			{ field: "limit", message: `must be an integer from 1 to ${CONVERSATION_PAGE.maxLimit}` },
		]);
	}
	const cursorParam = c.req.query("cursor");
	const after = cursorParam === undefined ? undefined : decodeCursor(cursorParam);
	if (cursorParam !== undefined && !after) {
		throw new ApiError(400, "invalid_query", "Some query parameters are not valid.", [{ field: "cursor", message: "is not a cursor returned by this API" }]);
	}
	const convo = await getConversation(drizzle(c.env.DB, { schema }), eventBodyStore(c.env), c.get("projectId"), id, { limit, after });
	if (!convo) throw new ApiError(404, "conversation_not_found", `No conversation \`${id}\` in this project.`);
	return c.json({ data: convo } satisfies ConversationResponse);
});
