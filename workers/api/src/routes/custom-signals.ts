import { Hono } from "hono";
import type { z } from "zod";
import { fieldErrors } from "#core/api-errors";
import type { CustomSignal, customSignalListSchema, customSignalResponseSchema } from "#core/api/signals";
import { customSignalInputSchema } from "#core/detection/custom-signals";
import { newId } from "#core/ids";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import { customSignalNameTaken, deleteCustomSignal, insertCustomSignal, listCustomSignals, type CustomSignalRow } from "../stores/custom-signal-store";
import { requireAdmin } from "../http/require-admin";

const view = (r: CustomSignalRow): CustomSignal => ({
	id: r.id,
	name: r.name,
	description: r.description,
	polarity: r.polarity,
	field: r.field,
	...(r.kind === "keywords" ? { keywords: JSON.parse(r.pattern) as string[] } : r.kind === "regex" ? { regex: r.pattern } : { deep_search_id: r.pattern }),
	case_sensitive: r.case_sensitive === 1,
	created_at: new Date(r.created_at).toISOString(),
});

/** Keyword or regex signals of the project's own; the detect worker applies them to every new event. */
export const customSignalRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const rows = await listCustomSignals(c.env.DB, c.get("projectId"));
		return c.json({ data: rows.map(view) } satisfies z.infer<typeof customSignalListSchema>);
	})
	.post("/", requireAdmin, async (c) => {
		const parsed = customSignalInputSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The custom signal is not valid.", fieldErrors(parsed.error));
		const s = parsed.data;
		const projectId = c.get("projectId");
		if (await customSignalNameTaken(c.env.DB, projectId, s.name))
			throw new ApiError(409, "name_taken", `A custom signal named \`${s.name}\` exists already.`, [{ field: "name", message: "is taken" }]);
		const row: CustomSignalRow = {
			id: newId("csig"),
			name: s.name,
			description: s.description,
			polarity: s.polarity,
			field: s.field,
			kind: s.keywords ? "keywords" : "regex",
			pattern: s.keywords ? JSON.stringify(s.keywords) : s.regex!,
			case_sensitive: s.case_sensitive ? 1 : 0,
			created_at: Date.now(),
		};
		await insertCustomSignal(c.env.DB, projectId, row);
		return c.json({ data: view(row) } satisfies z.infer<typeof customSignalResponseSchema>, 201);
	})
	.delete("/:id", requireAdmin, async (c) => {
		if (!(await deleteCustomSignal(c.env.DB, c.get("projectId"), c.req.param("id"), Date.now())))
			throw new ApiError(404, "custom_signal_not_found", `No custom signal \`${c.req.param("id")}\` in this project.`);
		return c.body(null, 204);
	});
