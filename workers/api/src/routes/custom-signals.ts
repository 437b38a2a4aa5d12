import { Hono } from "hono";
import { fieldErrors } from "../../../../core/api-errors";
import { customSignalInputSchema } from "../../../../core/detection/custom-signals";
import { newId } from "../../../../core/ids";
import { ApiError } from "../../../shared/src/api-error";
import { readJsonBody } from "../../../shared/src/json-body";
import type { ApiContext } from "../api-env";
import { requireAdmin } from "../require-admin";

interface Row {
	id: string;
	name: string;
	description: string;
	polarity: string;
	field: string;
	kind: "keywords" | "regex";
	pattern: string;
	case_sensitive: number;
	created_at: number;
}

const view = (r: Row) => ({
	id: r.id,
	name: r.name,
	description: r.description,
	polarity: r.polarity,
	field: r.field,
	...(r.kind === "keywords" ? { keywords: JSON.parse(r.pattern) as string[] } : { regex: r.pattern }),
	case_sensitive: r.case_sensitive === 1,
	created_at: new Date(r.created_at).toISOString(),
});

/** Keyword or regex signals of the project's own; the detect worker applies them to every new event. */
export const customSignalRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const { results } = await c.env.DB.prepare("SELECT * FROM custom_signals WHERE project_id = ? AND deleted_at IS NULL ORDER BY created_at").bind(c.get("projectId")).all<Row>();
		return c.json({ data: results.map(view) });
	})
	.post("/", requireAdmin, async (c) => {
		const parsed = customSignalInputSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The custom signal is not valid.", fieldErrors(parsed.error));
		const s = parsed.data;
		const projectId = c.get("projectId");
		const taken = await c.env.DB.prepare("SELECT 1 FROM custom_signals WHERE project_id = ? AND name = ? AND deleted_at IS NULL").bind(projectId, s.name).first();
		if (taken) throw new ApiError(409, "name_taken", `A custom signal named \`${s.name}\` exists already.`, [{ field: "name", message: "is taken" }]);
		const row: Row = {
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
		await c.env.DB.prepare(
			"INSERT INTO custom_signals (id, project_id, name, description, polarity, field, kind, pattern, case_sensitive, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		)
			.bind(row.id, projectId, row.name, row.description, row.polarity, row.field, row.kind, row.pattern, row.case_sensitive, row.created_at)
			.run();
		return c.json({ data: view(row) }, 201);
	})
	.delete("/:id", requireAdmin, async (c) => {
		const { meta } = await c.env.DB.prepare("UPDATE custom_signals SET deleted_at = ? WHERE id = ? AND project_id = ? AND deleted_at IS NULL")
			.bind(Date.now(), c.req.param("id"), c.get("projectId"))
			.run();
		if (meta.changes === 0) throw new ApiError(404, "custom_signal_not_found", `No custom signal \`${c.req.param("id")}\` in this project.`);
		return c.body(null, 204);
	});
