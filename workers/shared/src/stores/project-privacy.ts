import { createRedactor, type PrivacyConfig, type Redactor } from "#core/privacy/pii";
import { parsePrivacy } from "#core/privacy/privacy-settings";
import { IsolateCache } from "../http/isolate-cache";

interface ProjectPrivacy {
	config: PrivacyConfig;
	salt: string;
}

/**
 * Privacy settings are cached per isolate for a minute, like keys (api-key-auth.ts): a changed
 * setting applies to what arrives from then on, within that minute.
 */
const cache = new IsolateCache<ProjectPrivacy>(60_000);

function randomSalt(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return btoa(String.fromCharCode(...bytes));
}

async function load(db: D1Database, projectId: string): Promise<ProjectPrivacy> {
	const row = await db
		.prepare("SELECT privacy, pii_salt FROM projects WHERE id = ?")
		.bind(projectId)
		.first<{ privacy: string | null; pii_salt: string | null }>();
	let salt = row?.pii_salt ?? null;
	if (salt === null) {
		// Projects made before salts existed get one on first use; the write is conditional, so
		// concurrent isolates agree on whichever landed first.
		await db.prepare("UPDATE projects SET pii_salt = ? WHERE id = ? AND pii_salt IS NULL").bind(randomSalt(), projectId).run();
		salt = (await db.prepare("SELECT pii_salt FROM projects WHERE id = ?").bind(projectId).first<string>("pii_salt")) ?? "";
	}
	return { config: parsePrivacy(row?.privacy ?? null), salt };
}

/** A fresh redactor (its counts start at zero) for one request to this project. */
export async function redactorFor(db: D1Database, projectId: string): Promise<Redactor> {
	let value = cache.get(projectId);
	if (!value) {
		value = await load(db, projectId);
		cache.set(projectId, value);
	}
	return createRedactor(value.config, value.salt);
}
