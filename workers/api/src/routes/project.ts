import { Hono } from "hono";
import { z } from "zod";
import { fieldErrors } from "../../../../core/api-errors";
import { generateApiKey, hashApiKey, keyDisplayPrefix } from "../../../../core/api-keys";
import { newId } from "../../../../core/ids";
import { ApiError } from "../../../shared/src/api-error";
import { readJsonBody } from "../../../shared/src/json-body";
import type { ApiContext } from "../api-env";
import { dayWindow } from "../day-window";
import { releaseMarkers } from "../release-markers";
import { requireAdmin } from "../require-admin";

const newKeySchema = z.object({ kind: z.enum(["write", "read", "admin"]), name: z.string().trim().min(1).max(100).default("dashboard key") }).strict();

interface KeyRow {
	id: string;
	kind: string;
	key_prefix: string;
	name: string;
	created_at: number;
	revoked_at: number | null;
}

const keyView = (k: KeyRow, currentKeyId: string) => ({
	id: k.id,
	kind: k.kind,
	prefix: k.key_prefix,
	name: k.name,
	created_at: new Date(k.created_at).toISOString(),
	revoked_at: k.revoked_at === null ? null : new Date(k.revoked_at).toISOString(),
	current: k.id === currentKeyId,
});

/** What the key can see (the dashboard checks a key with it), and the project's keys for admins. */
export const projectRoutes = new Hono<ApiContext>()
	.get("/", async (c) => {
		const project = await c.env.DB.prepare("SELECT id, name, created_at FROM projects WHERE id = ?")
			.bind(c.get("projectId"))
			.first<{ id: string; name: string; created_at: number }>();
		if (!project) throw new ApiError(404, "project_not_found", "The key's project no longer exists.");
		return c.json({ data: { id: project.id, name: project.name, created_at: new Date(project.created_at).toISOString(), key_kind: c.get("keyKind") } });
	})
	.get("/markers", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 30);
		return c.json({ data: await releaseMarkers(c.env.DB, c.get("projectId"), fromDay, toDay) });
	})
	.get("/keys", requireAdmin, async (c) => {
		const { results } = await c.env.DB.prepare("SELECT id, kind, key_prefix, name, created_at, revoked_at FROM api_keys WHERE project_id = ? ORDER BY created_at").bind(c.get("projectId")).all<KeyRow>();
		return c.json({ data: results.map((k) => keyView(k, c.get("keyId"))) });
	})
	/** The key itself is in this response only; it is stored as a SHA-256 hash. */
	.post("/keys", requireAdmin, async (c) => {
		const parsed = newKeySchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The key is not valid.", fieldErrors(parsed.error));
		const key = generateApiKey(parsed.data.kind);
		const row: KeyRow = { id: newId("key"), kind: parsed.data.kind, key_prefix: keyDisplayPrefix(key), name: parsed.data.name, created_at: Date.now(), revoked_at: null };
		await c.env.DB.prepare("INSERT INTO api_keys (id, project_id, kind, key_hash, key_prefix, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
			.bind(row.id, c.get("projectId"), row.kind, await hashApiKey(key), row.key_prefix, row.name, row.created_at)
			.run();
		return c.json({ data: { ...keyView(row, c.get("keyId")), key } }, 201);
	})
	/** Revoked keys stop working within a minute (the auth cache). The key in use cannot revoke itself. */
	.delete("/keys/:id", requireAdmin, async (c) => {
		if (c.req.param("id") === c.get("keyId")) throw new ApiError(409, "key_in_use", "This is the key you are signed in with; revoke it from another admin key.");
		const { meta } = await c.env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND project_id = ? AND revoked_at IS NULL").bind(Date.now(), c.req.param("id"), c.get("projectId")).run();
		if (meta.changes === 0) throw new ApiError(404, "key_not_found", `No active key \`${c.req.param("id")}\` in this project.`);
		return c.body(null, 204);
	});
