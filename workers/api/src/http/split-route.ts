import type { Context } from "hono";
import type { z } from "zod";
import type { splitResponseSchema } from "#core/api/issues";
import { ApiError } from "#shared/http/api-error";
import { requestSplit, type SplitTable } from "#shared/stores/split-requests";
import type { ApiContext } from "../api-env";

const NOUN = { issues: "issue", intents: "intent" } satisfies Record<SplitTable, string>;

/**
 * `POST /:id/split` of issues and intents alike: marks the row; the next maintenance pass
 * re-clusters its events and clears the mark (202).
 */
export function requestSplitRoute(table: SplitTable) {
	return async (c: Context<ApiContext>) => {
		const id = c.req.param("id") ?? "";
		const found = await requestSplit(c.env.DB, table, c.get("projectId"), id, Date.now());
		if (!found) throw new ApiError(404, `${NOUN[table]}_not_found`, `No ${NOUN[table]} \`${id}\` in this project.`);
		return c.json({ data: { id, split: "requested" } } satisfies z.infer<typeof splitResponseSchema>, 202);
	};
}
