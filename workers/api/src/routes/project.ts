import { Hono } from "hono";
import type { z } from "zod";
import { fieldErrors } from "#core/api-errors";
import {
	type apiKeyListSchema,
	type ApiKeyView,
	type markerListSchema,
	newKeySchema,
	type newKeyResponseSchema,
	type projectResponseSchema,
} from "#core/api/project";
import { generateApiKey, hashApiKey, keyDisplayPrefix } from "#core/api-keys";
import { newId } from "#core/ids";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import { dayWindow } from "../http/day-window";
import { findProject, insertKey, listKeys, revokeKey, type KeyRow } from "../stores/project-store";
import { releaseMarkers } from "../reads/release-markers";
import { requireAdmin } from "../http/require-admin";

const keyView = (k: KeyRow, currentKeyId: string): ApiKeyView => ({
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
		const project = await findProject(c.env.DB, c.get("projectId"));
		if (!project) throw new ApiError(404, "project_not_found", "The key's project no longer exists.");
		// Only read and admin keys pass requireKey on /api/*.
		const keyKind = c.get("keyKind") as "read" | "admin";
		return c.json({ data: { id: project.id, name: project.name, created_at: new Date(project.created_at).toISOString(), key_kind: keyKind } } satisfies z.infer<
			typeof projectResponseSchema
		>);
	})
	.get("/markers", async (c) => {
		const { fromDay, toDay } = dayWindow(c, 30);
		return c.json({ data: await releaseMarkers(c.env.DB, c.get("projectId"), fromDay, toDay) } satisfies z.infer<typeof markerListSchema>);
	})
	.get("/keys", requireAdmin, async (c) => {
		const keys = await listKeys(c.env.DB, c.get("projectId"));
		return c.json({ data: keys.map((k) => keyView(k, c.get("keyId"))) } satisfies z.infer<typeof apiKeyListSchema>);
	})
	/** The key itself is in this response only; it is stored as a SHA-256 hash. */
	.post("/keys", requireAdmin, async (c) => {
		const parsed = newKeySchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The key is not valid.", fieldErrors(parsed.error));
		const key = generateApiKey(parsed.data.kind);
		const row: KeyRow = {
			id: newId("key"),
			kind: parsed.data.kind,
			key_prefix: keyDisplayPrefix(key),
			name: parsed.data.name,
			created_at: Date.now(),
			revoked_at: null,
		};
		await insertKey(c.env.DB, c.get("projectId"), row, await hashApiKey(key));
		return c.json({ data: { ...keyView(row, c.get("keyId")), key } } satisfies z.infer<typeof newKeyResponseSchema>, 201);
	})
	/** Revoked keys stop working within a minute (the auth cache). The key in use cannot revoke itself. */
	.delete("/keys/:id", requireAdmin, async (c) => {
		if (c.req.param("id") === c.get("keyId"))
			throw new ApiError(409, "key_in_use", "This is the key you are signed in with; revoke it from another admin key.");
		if (!(await revokeKey(c.env.DB, c.get("projectId"), c.req.param("id"), Date.now())))
			throw new ApiError(404, "key_not_found", `No active key \`${c.req.param("id")}\` in this project.`);
		return c.body(null, 204);
	});
