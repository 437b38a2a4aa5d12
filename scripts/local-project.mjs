// The local project that `npm start` creates: documented default keys, overridable
// with BAROMETER_WRITE_KEY / BAROMETER_READ_KEY (local development only).
import { createHash } from "node:crypto";

export const LOCAL_PROJECT_ID = "prj_local";
export const DEFAULT_WRITE_KEY = "bm_write_localdev00000000000000000000";
export const DEFAULT_READ_KEY = "bm_read_localdev000000000000000000000";
export const DEFAULT_ADMIN_KEY = "bm_admin_localdev00000000000000000000";

const KEY_FORMAT = /^[A-Za-z0-9_-]{16,200}$/;

export function localKeys(env = process.env) {
	const write = env.BAROMETER_WRITE_KEY || DEFAULT_WRITE_KEY;
	const read = env.BAROMETER_READ_KEY || DEFAULT_READ_KEY;
	const admin = env.BAROMETER_ADMIN_KEY || DEFAULT_ADMIN_KEY;
	for (const [name, key] of [
		["BAROMETER_WRITE_KEY", write],
		["BAROMETER_READ_KEY", read],
		["BAROMETER_ADMIN_KEY", admin],
	]) {
		if (!KEY_FORMAT.test(key)) throw new Error(`${name} must be 16-200 characters of letters, digits, _ and -`);
	}
	if (new Set([write, read, admin]).size !== 3) throw new Error("BAROMETER_WRITE_KEY, BAROMETER_READ_KEY and BAROMETER_ADMIN_KEY must differ");
	return { write, read, admin };
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const quote = (text) => `'${text.replace(/'/g, "''")}'`;

/**
 * SQL that creates the project if needed and makes it hold exactly these keys, one per kind:
 * its other keys of the same name ("<name> write key") are revoked. Keys are stored hashed.
 */
export function projectSql({ projectId, name, keys: given }, now = Date.now()) {
	const keys = Object.entries(given)
		.map(([kind, key]) => ({ kind, key }))
		.map((k) => ({ ...k, hash: sha256(k.key), prefix: k.key.slice(0, k.key.indexOf("_", 3) + 5), label: `${name} ${k.kind} key` }));
	return [
		`INSERT INTO projects (id, name, created_at) VALUES (${quote(projectId)}, ${quote(name)}, ${now}) ON CONFLICT(id) DO NOTHING;`,
		`UPDATE api_keys SET revoked_at = ${now} WHERE project_id = ${quote(projectId)} AND name IN (${keys.map((k) => quote(k.label)).join(", ")}) AND revoked_at IS NULL AND key_hash NOT IN (${keys.map((k) => quote(k.hash)).join(", ")});`,
		...keys.map(
			(k) =>
				`INSERT INTO api_keys (id, project_id, kind, key_hash, key_prefix, name, created_at, revoked_at) VALUES (${quote(`key_${k.hash.slice(0, 20)}`)}, ${quote(projectId)}, ${quote(k.kind)}, ${quote(k.hash)}, ${quote(k.prefix)}, ${quote(k.label)}, ${now}, NULL) ON CONFLICT(key_hash) DO UPDATE SET revoked_at = NULL WHERE api_keys.project_id = excluded.project_id AND api_keys.kind = excluded.kind;`,
		),
	].join("\n");
}

/** The local project of `npm start`. */
export function localProjectSql(keys, now = Date.now()) {
	return projectSql({ projectId: LOCAL_PROJECT_ID, name: "Local project", keys }, now);
}
