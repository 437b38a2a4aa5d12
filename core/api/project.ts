import { z } from "zod";
import { privacyConfigSchema } from "../privacy/pii";
import { dataOf, isoTime } from "./envelope";
import { markerSchema } from "./issues";

/** The project, its keys and its settings as the API returns them (`/api/project`). */
export const projectViewSchema = z.object({
	id: z.string(),
	name: z.string(),
	created_at: isoTime,
	key_kind: z.enum(["read", "admin"]).describe("The kind of key signed in: the dashboard offers changes only to admin keys"),
});
export type ProjectView = z.infer<typeof projectViewSchema>;

/** GET /api/project */
export const projectResponseSchema = dataOf(projectViewSchema);

export const apiKeyKindSchema = z.enum(["write", "read", "admin"]);

export const apiKeyViewSchema = z.object({
	id: z.string(),
	kind: apiKeyKindSchema,
	prefix: z.string().describe("The key's first characters, to recognise it"),
	name: z.string(),
	created_at: isoTime,
	revoked_at: isoTime.nullable(),
	current: z.boolean().describe("The key this request was made with"),
	key: z.string().optional().describe("The key itself: in the response that creates it, never again"),
});
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

/** GET /api/project/markers */
export const markerListSchema = dataOf(z.array(markerSchema));

/** GET /api/project/keys */
export const apiKeyListSchema = dataOf(z.array(apiKeyViewSchema));

/** POST /api/project/keys */
export const newKeySchema = z.object({ kind: apiKeyKindSchema, name: z.string().trim().min(1).max(100).default("dashboard key") }).strict();
export type NewKey = z.input<typeof newKeySchema>;
export const newKeyResponseSchema = dataOf(apiKeyViewSchema.required({ key: true }));

export const projectSettingsSchema = z.object({
	privacy: privacyConfigSchema.describe("How personal data is redacted at ingest"),
	retention_days: z.number().int().nullable().describe("Days events are kept; null keeps them forever"),
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

/** GET and PATCH /api/project/settings (the PATCH body: projectSettingsPatchSchema, core/privacy/privacy-settings.ts) */
export const projectSettingsResponseSchema = dataOf(projectSettingsSchema);
