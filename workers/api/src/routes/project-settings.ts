import { Hono } from "hono";
import type { z } from "zod";
import { fieldErrors } from "#core/api-errors";
import type { ProjectSettings, projectSettingsResponseSchema } from "#core/api/project";
import { parsePrivacy, projectSettingsPatchSchema } from "#core/privacy/privacy-settings";
import { ApiError } from "#shared/http/api-error";
import { readJsonBody } from "#shared/http/json-body";
import type { ApiContext } from "../api-env";
import { readSettings, writeSettings, type SettingsRow } from "../stores/project-store";
import { requireAdmin } from "../http/require-admin";

const view = (row: SettingsRow): ProjectSettings => ({ privacy: parsePrivacy(row.privacy), retention_days: row.retention_days });

async function read(db: D1Database, projectId: string): Promise<SettingsRow> {
	const row = await readSettings(db, projectId);
	if (!row) throw new ApiError(404, "project_not_found", "The key's project no longer exists.");
	return row;
}

/**
 * Privacy and retention. Redaction applies at ingest to what arrives after the change (within the
 * minute ingest caches settings); what is stored is never un-redacted. Retention is applied by the
 * detect worker's maintenance pass.
 */
export const projectSettingsRoutes = new Hono<ApiContext>()
	.get("/", async (c) => c.json({ data: view(await read(c.env.DB, c.get("projectId"))) } satisfies z.infer<typeof projectSettingsResponseSchema>))
	.patch("/", requireAdmin, async (c) => {
		const parsed = projectSettingsPatchSchema.safeParse(await readJsonBody(c, 10_000));
		if (!parsed.success) throw new ApiError(400, "invalid_body", "The settings are not valid.", fieldErrors(parsed.error));
		const { privacy, retention_days } = parsed.data;
		const projectId = c.get("projectId");
		const current = await read(c.env.DB, projectId);
		const next: SettingsRow = {
			privacy: privacy === undefined ? current.privacy : JSON.stringify(privacy),
			retention_days: retention_days === undefined ? current.retention_days : retention_days,
		};
		await writeSettings(c.env.DB, projectId, next);
		return c.json({ data: view(next) } satisfies z.infer<typeof projectSettingsResponseSchema>);
	});
