import { Hono } from "hono";
import type { z } from "zod";
import { fieldErrors } from "#core/api-errors";
import {
	type candidatePageSchema,
	type deepSearchHistorySchema,
	deepSearchInputSchema,
	type deepSearchListSchema,
	deepSearchPatchSchema,
	type deepSearchResponseSchema,
	deepSearchSaveSchema,
	labelRoundResponseSchema,
	labelRoundSchema,
} from "#core/api/deep-searches";
import { isBuiltInSignalName } from "#core/detection/custom-signals";
import { newId } from "#core/ids";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import { candidatePage, createDeepSearch, deepSearchView, labelRound, moveOperatingPoint } from "../deep-search/deep-search-loop";
import type { LoopPorts } from "../deep-search/deep-search-pool";
import { WorkersAiMatchChecker } from "../deep-search/llm-match-check";
import { requireAdmin } from "../http/require-admin";
import { RemoteSentenceEncoder } from "../remote-sentence-encoder";
import { customSignalNameTaken } from "../stores/custom-signal-store";
import { type DeepSearchRow, findDeepSearch, listDeepSearches, softDeleteDeepSearch, versionHistory } from "../stores/deep-search-store";
import { eventVectorStore } from "#shared/adapters/event-vector-store";
import { startJob } from "#shared/stores/job-store";
import type { Context } from "hono";

/** Big enough that a too-long definition is refused by its schema, naming the field, rather than by size. */
const BODY_BYTES = 64_000;

const ports = (c: Context<ApiContext>): LoopPorts => ({
	db: c.env.DB,
	vectors: eventVectorStore(c.env),
	encoder: new RemoteSentenceEncoder(c.env.SENTENCE_ENCODER),
	// Workers AI is bound in production only (wrangler.toml): offline the encoder's scorer gives the verdicts.
	checker: "AI" in c.env && c.env.AI ? new WorkersAiMatchChecker(c.env.AI as Ai) : undefined,
});

async function loadSearch(c: Context<ApiContext>): Promise<DeepSearchRow> {
	const search = await findDeepSearch(c.env.DB, c.get("projectId"), c.req.param("id")!);
	if (!search) throw new ApiError(404, "deep_search_not_found", `No deep search \`${c.req.param("id")}\` in this project.`);
	return search;
}

async function parsed<T extends z.ZodType>(c: Context<ApiContext>, schema: T, what: string): Promise<z.output<T>> {
	const result = schema.safeParse(await readJsonBody(c, BODY_BYTES));
	if (!result.success) throw new ApiError(400, "invalid_body", `The ${what} is not valid.`, fieldErrors(result.error));
	return result.data;
}

const by = (c: Context<ApiContext>) => `key:${c.get("keyId")}`;

const conflict = () =>
	new ApiError(
		409,
		"deep_search_changed",
		"Someone changed this deep search at the same moment (a new round of labels or operating point). Read it again and retry.",
	);

/**
 * Deep search: describe a problem in words, label a few candidates, get a calibrated detector, save
 * it as a signal. Reading needs any key; changing needs the admin key (as custom signals do).
 */
export const deepSearchRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const rows = await listDeepSearches(c.env.DB, c.get("projectId"));
		return c.json({
			data: rows.map((r) => ({
				id: r.id,
				definition: r.definition,
				state: r.saved_version ? ("saved" as const) : ("draft" as const),
				version: r.version,
				threshold: r.threshold,
				signal:
					r.saved_version && r.signal_name
						? { name: r.signal_name, polarity: r.polarity ?? ("negative" as const), saved_version: r.saved_version, job_id: r.job_id }
						: null,
				created_at: new Date(r.created_at).toISOString(),
				updated_at: new Date(r.updated_at).toISOString(),
			})),
		} satisfies z.infer<typeof deepSearchListSchema>);
	})
	.post("/", requireAdmin, async (c) => {
		const input = await parsed(c, deepSearchInputSchema, "deep search");
		const p = ports(c);
		const created = await createDeepSearch(p, c.get("projectId"), input, by(c));
		if ("unknownExamples" in created) {
			throw new ApiError(
				400,
				"invalid_body",
				"Some examples name events this project does not have.",
				created.unknownExamples.map((id) => ({
					field: `examples[${input.examples.findIndex((e) => e.event_id === id)}].event_id`,
					message: `no event \`${id}\` in this project (never stored, or deleted)`,
				})),
			);
		}
		const search = (await findDeepSearch(c.env.DB, c.get("projectId"), created.id))!;
		return c.json({ data: await deepSearchView(p, search) } satisfies z.infer<typeof deepSearchResponseSchema>, 201);
	})
	.get("/:id", async (c) => {
		const search = await loadSearch(c);
		return c.json({ data: await deepSearchView(ports(c), search) } satisfies z.infer<typeof deepSearchResponseSchema>);
	})
	.get("/:id/candidates", async (c) => {
		const search = await loadSearch(c);
		const offset = Math.max(0, Math.floor(Number(c.req.query("offset") ?? 0)) || 0);
		return c.json((await candidatePage(ports(c), search, offset, 50)) satisfies z.infer<typeof candidatePageSchema>);
	})
	.get("/:id/history", async (c) => {
		const search = await loadSearch(c);
		const rows = await versionHistory(c.env.DB, search.id);
		return c.json({
			data: rows.map((r) => ({ version: r.version, kind: r.kind, threshold: r.threshold, labels: r.labels, by: r.by, at: new Date(r.at).toISOString() })),
		} satisfies z.infer<typeof deepSearchHistorySchema>);
	})
	.post("/:id/labels", requireAdmin, async (c) => {
		const body = await parsed(c, labelRoundSchema, "round of labels");
		const search = await loadSearch(c);
		const p = ports(c);
		const { rejected } = await labelRound(
			p,
			search,
			body.labels.map((l) => ({ id: l.event_id, match: l.match })),
			by(c),
		);
		if (rejected.length === body.labels.length)
			throw new ApiError(
				404,
				"event_not_found",
				"None of the labelled events is in this project (never stored, or deleted); no label was kept.",
				rejected.map((r) => ({ field: `labels[${body.labels.findIndex((l) => l.event_id === r.event_id)}].event_id`, message: r.reason })),
			);
		const fresh = (await findDeepSearch(c.env.DB, c.get("projectId"), search.id))!;
		return c.json(labelRoundResponseSchema.parse({ data: { ...(await deepSearchView(p, fresh)), rejected } }));
	})
	.patch("/:id", requireAdmin, async (c) => {
		const body = await parsed(c, deepSearchPatchSchema, "change");
		const search = await loadSearch(c);
		const p = ports(c);
		if (!(await moveOperatingPoint(p, search, body.threshold, by(c)))) throw conflict();
		const fresh = (await findDeepSearch(c.env.DB, c.get("projectId"), search.id))!;
		return c.json({ data: await deepSearchView(p, fresh) } satisfies z.infer<typeof deepSearchResponseSchema>);
	})
	/**
	 * Saved, the search is a custom signal: the detect worker applies its model to every new event, and
	 * (unless `backfill: false`) a job scores the events stored before, with progress at GET /api/jobs/:id.
	 * Saving again (after more labels, or at another operating point) makes the new version live; the
	 * signal's name stays.
	 */
	.post("/:id/save", requireAdmin, async (c) => {
		const body = await parsed(c, deepSearchSaveSchema, "save");
		const search = await loadSearch(c);
		const projectId = c.get("projectId");
		if (search.signal_name && search.signal_name !== body.name)
			throw new ApiError(400, "invalid_body", "A saved deep search keeps its signal's name.", [
				{ field: "name", message: `is \`${search.signal_name}\` since it was first saved` },
			]);
		if (!search.signal_name) {
			if (isBuiltInSignalName(body.name))
				throw new ApiError(400, "invalid_body", "The name is taken.", [{ field: "name", message: "is a built-in signal's name" }]);
			if (await customSignalNameTaken(c.env.DB, projectId, body.name))
				throw new ApiError(409, "name_taken", `A custom signal named \`${body.name}\` exists already.`, [{ field: "name", message: "is taken" }]);
		}
		// The job scores stored events with whatever version is live when it runs, so it may start first.
		const jobId = body.backfill ? (await startJob(c.env.DB, projectId, "deep_search", { search_id: search.id })).job.id : null;
		const saved = { customSignalId: newId("csig"), description: search.definition, signalName: body.name, polarity: body.polarity, jobId };
		const p = ports(c);
		if (!(await moveOperatingPoint(p, search, body.threshold, by(c), saved))) throw conflict();
		const fresh = (await findDeepSearch(c.env.DB, projectId, search.id))!;
		return c.json({ data: await deepSearchView(p, fresh) } satisfies z.infer<typeof deepSearchResponseSchema>);
	})
	.delete("/:id", requireAdmin, async (c) => {
		if (!(await softDeleteDeepSearch(c.env.DB, c.get("projectId"), c.req.param("id"), Date.now())))
			throw new ApiError(404, "deep_search_not_found", `No deep search \`${c.req.param("id")}\` in this project.`);
		return c.body(null, 204);
	});
