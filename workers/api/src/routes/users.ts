import { Hono } from "hono";
import type { UserDeletionResponse } from "#core/api/users";
import { ApiError } from "#shared/http/api-error";
import { eventBodyStore } from "#shared/adapters/event-body-store";
import { eventVectorStore } from "#shared/adapters/event-vector-store";
import { deleteUserData, deletionIndex, userExists } from "#shared/stores/event-data-deletion";
import { redactorFor } from "#shared/stores/project-privacy";
import type { ApiContext } from "../api-env";
import { requireAdmin } from "../http/require-admin";

/**
 * Rounds of events one request deletes (2,000 events, a few dozen D1 queries): well inside a
 * request's time and D1's queries per invocation. A larger user answers 202 with what remains;
 * calling again continues (nothing is redone), as `barometer users delete` does until 200.
 */
export const USER_DELETION_ROUNDS = 10;

export const userRoutes = new Hono<ApiContext>().delete("/:id", requireAdmin, async (c) => {
	const projectId = c.get("projectId");
	const given = c.req.param("id");
	// An id with personal data (an e-mail as user id) was stored as its keyed hash: the caller gives
	// the id their app knows, and the hash is found from it.
	const hashed = (await redactorFor(c.env.DB, projectId)).identifier(given);
	const userId = hashed !== given && (await userExists(c.env.DB, projectId, hashed)) ? hashed : given;
	if (!(await userExists(c.env.DB, projectId, userId))) throw new ApiError(404, "user_not_found", `No user \`${given}\` in this project.`);
	const index = deletionIndex(c.env);
	const progress = await deleteUserData(
		{ db: c.env.DB, index, eventVectors: eventVectorStore(c.env), bodies: eventBodyStore(c.env) },
		projectId,
		userId,
		USER_DELETION_ROUNDS,
	);
	const body: UserDeletionResponse = { data: { user_id: userId, deleted: progress.deleted, done: progress.done, remaining_events: progress.remainingEvents } };
	return c.json(body, progress.done ? 200 : 202);
});
