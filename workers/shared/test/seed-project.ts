import { env } from "cloudflare:test";
import { generateApiKey, hashApiKey, keyDisplayPrefix, type KeyKind } from "#core/api-keys";
import { newId } from "#core/ids";

export interface TestProject {
	projectId: string;
	writeKey: string;
	readKey: string;
}

async function insertKey(projectId: string, kind: KeyKind, key: string, revokedAt: number | null = null) {
	await env.DB.prepare("INSERT INTO api_keys (id, project_id, kind, key_hash, key_prefix, name, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
		.bind(newId("key"), projectId, kind, await hashApiKey(key), keyDisplayPrefix(key), `test ${kind} key`, Date.now(), revokedAt)
		.run();
}

/** A project with fresh random keys, stored hashed exactly as production stores them. */
export async function seedProject(name = "Test project"): Promise<TestProject> {
	const projectId = newId("prj");
	await env.DB.prepare("INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)").bind(projectId, name, Date.now()).run();
	const writeKey = generateApiKey("write");
	const readKey = generateApiKey("read");
	await insertKey(projectId, "write", writeKey);
	await insertKey(projectId, "read", readKey);
	return { projectId, writeKey, readKey };
}

/** A key that existed and was revoked. */
export async function seedRevokedKey(projectId: string, kind: KeyKind): Promise<string> {
	const key = generateApiKey(kind);
	await insertKey(projectId, kind, key, Date.now() - 1000);
	return key;
}

export function authed(key: string, body?: unknown, init: RequestInit = {}): RequestInit {
	return {
		method: body === undefined ? "GET" : "POST",
		...init,
		headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(init.headers as Record<string, string>) },
		body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
	};
}

export async function countRows(table: string, projectId: string, where = "1 = 1", ...params: unknown[]): Promise<number> {
	const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE project_id = ? AND ${where}`)
		.bind(projectId, ...params)
		.first<{ n: number }>();
	return row?.n ?? 0;
}
