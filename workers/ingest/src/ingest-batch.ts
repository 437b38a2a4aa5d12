import type { Context } from "hono";
import type { z } from "zod";
import { validateBatchItems } from "#core/batch-validation";
import type { QueueMessage } from "#core/queue-messages";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import { acceptMessages } from "./accept-messages";
import type { IngestContext } from "./ingest-env";

interface BatchRoute<S extends z.ZodType> {
	listName: string;
	idField: string;
	schema: S;
	maxItems: number;
	maxItemBytes: number;
	/** The body is the array itself (the Raindrop SDK's batches), not `{ "<listName>": [...] }`. */
	bareArray?: boolean;
	toMessage: (value: z.output<S>, meta: { projectId: string; receivedAt: number }) => QueueMessage;
}

/**
 * The shared shape of batch routes: `{ "<listName>": [...] }` (or the bare array), each item validated alone.
 * 202: all accepted; 207: some accepted, per-item results name the rejected fields;
 * 400: none accepted. Only accepted items are enqueued.
 */
export async function ingestBatch<S extends z.ZodType>(c: Context<IngestContext>, route: BatchRoute<S>) {
	const body = await readJsonBody(c);
	const list = route.bareArray
		? body
		: body && typeof body === "object" && !Array.isArray(body)
			? (body as Record<string, unknown>)[route.listName]
			: undefined;
	if (!Array.isArray(list)) {
		const shape = route.bareArray ? `a JSON array of ${route.listName}` : `a JSON object with a \`${route.listName}\` array`;
		throw new ApiError(400, "invalid_body", `The body must be ${shape}.`, [{ field: route.bareArray ? "body" : route.listName, message: "must be an array" }]);
	}
	if (list.length === 0) {
		throw new ApiError(400, "invalid_body", `\`${route.listName}\` is empty.`, [{ field: route.listName, message: "must hold at least one item" }]);
	}
	if (list.length > route.maxItems) {
		throw new ApiError(413, "batch_too_large", `At most ${route.maxItems} ${route.listName} per request; got ${list.length}.`, [
			{ field: route.listName, message: `must hold at most ${route.maxItems} items` },
		]);
	}
	const { accepted, results } = validateBatchItems(list, route.schema, route);
	if (accepted.length === 0) {
		const details = results.flatMap((r) => (r.status === "rejected" ? r.errors : []));
		throw new ApiError(400, "invalid_batch", `None of the ${list.length} ${route.listName} is valid.`, details);
	}
	const meta = { projectId: c.get("projectId"), receivedAt: Date.now() };
	await acceptMessages(
		c.env,
		meta.projectId,
		accepted.map((item) => route.toMessage(item.value, meta)),
	);
	const rejected = results.length - accepted.length;
	return c.json({ accepted: accepted.length, rejected, results }, rejected === 0 ? 202 : 207);
}
