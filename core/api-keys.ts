import { randomToken } from "./ids";

/** write: ingest only; read: read only; admin: read and change project settings. */
export type KeyKind = "write" | "read" | "admin";

const PREFIX: Record<KeyKind, string> = { write: "bm_write_", read: "bm_read_", admin: "bm_admin_" };

/** A new secret key; 32 base62 characters is about 190 bits. */
export function generateApiKey(kind: KeyKind): string {
	return PREFIX[kind] + randomToken(32);
}

export async function hashApiKey(key: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What is shown in listings instead of the secret. */
export function keyDisplayPrefix(key: string): string {
	return key.slice(0, key.indexOf("_", 3) + 5);
}
