import { Hono } from "hono";
import { ApiError } from "../../../shared/src/api-error";
import type { ApiContext } from "../api-env";

/** What the key can see: the dashboard calls this to check a key at sign-in. */
export const projectRoutes = new Hono<ApiContext>().get("/", async (c) => {
	const project = await c.env.DB.prepare("SELECT id, name, created_at FROM projects WHERE id = ?")
		.bind(c.get("projectId"))
		.first<{ id: string; name: string; created_at: number }>();
	if (!project) throw new ApiError(404, "project_not_found", "The key's project no longer exists.");
	return c.json({ data: { id: project.id, name: project.name, created_at: new Date(project.created_at).toISOString() } });
});
