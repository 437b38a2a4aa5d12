import { env } from "cloudflare:test";
import { generateApiKey, hashApiKey, keyDisplayPrefix } from "#core/api-keys";
import { newId } from "#core/ids";
import { seedProject, type TestProject } from "./seed-project";

export async function seedAdminKey(projectId: string): Promise<string> {
	const key = generateApiKey("admin");
	await env.DB.prepare("INSERT INTO api_keys (id, project_id, kind, key_hash, key_prefix, name, created_at) VALUES (?, ?, 'admin', ?, ?, 'test admin key', ?)")
		.bind(newId("key"), projectId, await hashApiKey(key), keyDisplayPrefix(key), Date.now())
		.run();
	return key;
}

/** A project with its read and write keys (seedProject) and an admin key. */
export async function seedAdminProject(name?: string): Promise<TestProject & { adminKey: string }> {
	const project = await seedProject(name);
	return { ...project, adminKey: await seedAdminKey(project.projectId) };
}
