import { Hono } from "hono";
import { fieldErrors } from "#core/api-errors";
import { identifySchema } from "#core/ingest-schemas";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import { acceptMessages } from "../accept-messages";
import type { IngestContext } from "../ingest-env";

export const userRoutes = new Hono<IngestContext>().post("/identify", async (c) => {
	const parsed = identifySchema.safeParse(await readJsonBody(c), { reportInput: true });
	if (!parsed.success) throw new ApiError(400, "invalid_body", "The user is not valid.", fieldErrors(parsed.error));
	const receivedAt = Date.now();
	const identify = { ...parsed.data, timestamp: parsed.data.timestamp ?? receivedAt };
	await acceptMessages(c.env, c.get("projectId"), [{ v: 1, type: "identify", project_id: c.get("projectId"), received_at: receivedAt, identify }]);
	return c.json({ accepted: 1, user_id: identify.user_id }, 202);
});
