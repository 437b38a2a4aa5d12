import { createMiddleware } from "hono/factory";
import { hashApiKey, type KeyKind } from "#core/api-keys";
import { ApiError } from "./api-error";
import { IsolateCache } from "./isolate-cache";
import { countFailedAuth, failedAuthWait, requestSource, tooManyFailedAuth } from "./rate-limit";

export interface AuthVariables {
	projectId: string;
	keyId: string;
	keyKind: KeyKind;
}

interface KeyRecord {
	id: string;
	project_id: string;
	kind: KeyKind;
	revoked_at: number | null;
}

/**
 * Valid keys are cached per isolate for a minute so ingest does not read D1 on every
 * request; a revoked key therefore stops working within that minute. Unknown keys are
 * not cached, so a key created a moment ago works at once.
 */
const cache = new IsolateCache<KeyRecord>(60_000);

async function findKey(db: D1Database, hash: string): Promise<KeyRecord | null> {
	const hit = cache.get(hash);
	if (hit) return hit;
	const record = await db.prepare("SELECT id, project_id, kind, revoked_at FROM api_keys WHERE key_hash = ?").bind(hash).first<KeyRecord>();
	if (record && record.revoked_at === null) cache.set(hash, record);
	return record;
}

const WHAT_IS_NEEDED: Record<KeyKind, string> = {
	write: "Ingestion routes (/v1/…) need the project's write key.",
	read: "Reading needs the project's read key (or its admin key).",
	admin: "Changing project settings needs the project's admin key.",
};

/**
 * Resolves `Authorization: Bearer <key>` to a project, and refuses keys of other kinds. A missing,
 * malformed, unknown or revoked key counts as a failed authentication of the client IP; a source over
 * that limit is refused with 429 before its key is looked up (rate-limit.ts). A valid key of the wrong
 * kind is not a failed authentication.
 */
export function requireKey(...kinds: KeyKind[]) {
	return createMiddleware<{ Bindings: { DB: D1Database; FAILED_AUTH_RATE_LIMITER: RateLimit }; Variables: AuthVariables }>(async (c, next) => {
		const source = requestSource(c.req.raw);
		const wait = failedAuthWait(source);
		if (wait !== null) return tooManyFailedAuth(c, wait);
		const refuse = async (code: string, message: string) => {
			const retryAfter = await countFailedAuth(c.env.FAILED_AUTH_RATE_LIMITER, source);
			if (retryAfter !== null) return tooManyFailedAuth(c, retryAfter);
			throw new ApiError(401, code, message);
		};
		const header = c.req.header("authorization");
		if (!header) return refuse("missing_api_key", "Send the project key as `Authorization: Bearer <key>`.");
		const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
		if (!match) return refuse("invalid_api_key", "The Authorization header must be `Bearer <key>`.");
		const record = await findKey(c.env.DB, await hashApiKey(match[1]!));
		if (!record || record.revoked_at !== null) return refuse("invalid_api_key", "This key is not valid: unknown or revoked.");
		if (!kinds.includes(record.kind)) throw new ApiError(403, "wrong_key_kind", `This is a ${record.kind} key. ${WHAT_IS_NEEDED[kinds[0]!]}`);
		c.set("keyKind", record.kind);
		c.set("projectId", record.project_id);
		c.set("keyId", record.id);
		await next();
	});
}
