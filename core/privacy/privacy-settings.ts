import { z } from "zod";
import { DEFAULT_PRIVACY, type PrivacyConfig, privacyConfigSchema } from "./pii";

/** A stored setting that no longer parses falls back to the default (redact everything), never to off. */
export function parsePrivacy(stored: string | null): PrivacyConfig {
	if (stored === null) return DEFAULT_PRIVACY;
	try {
		const parsed = privacyConfigSchema.safeParse(JSON.parse(stored));
		return parsed.success ? parsed.data : DEFAULT_PRIVACY;
	} catch {
		return DEFAULT_PRIVACY;
	}
}

/** Retention is at least a day and at most ten years; null keeps events forever. */
export const RETENTION_DAYS = { min: 1, max: 3650 } as const;

/** `PATCH /api/project/settings`: each field optional, unknown fields refused. */
export const projectSettingsPatchSchema = z
	.object({
		privacy: privacyConfigSchema.optional(),
		retention_days: z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max).nullable().optional(),
	})
	.strict();
