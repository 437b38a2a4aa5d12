import { DatabaseSync } from "node:sqlite";
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_KEY, DEFAULT_READ_KEY, DEFAULT_WRITE_KEY, localKeys, localProjectSql } from "./local-project.mjs";
import { hashApiKey } from "#core/api-keys";

function migratedDb() {
	const db = new DatabaseSync(":memory:");
	for (const file of readdirSync("migrations")
		.filter((f) => f.endsWith(".sql"))
		.sort())
		db.exec(readFileSync(`migrations/${file}`, "utf8"));
	return db;
}

describe("local project keys", () => {
	it("default to the documented keys and take overrides from the environment", () => {
		expect(localKeys({})).toEqual({ write: DEFAULT_WRITE_KEY, read: DEFAULT_READ_KEY, admin: DEFAULT_ADMIN_KEY });
		expect(localKeys({ BAROMETER_WRITE_KEY: "my_write_key_123456", BAROMETER_READ_KEY: "my_read_key_1234567" })).toEqual({
			write: "my_write_key_123456",
			read: "my_read_key_1234567",
			admin: DEFAULT_ADMIN_KEY,
		});
		expect(() => localKeys({ BAROMETER_WRITE_KEY: "short" })).toThrow(/BAROMETER_WRITE_KEY/);
	});

	it("store the keys hashed, and revoke the previous local keys when they change", async () => {
		const db = migratedDb();
		db.exec(localProjectSql({ write: DEFAULT_WRITE_KEY, read: DEFAULT_READ_KEY }, 1));
		db.exec(localProjectSql({ write: DEFAULT_WRITE_KEY, read: DEFAULT_READ_KEY }, 2));
		// the admin key is managed the same way; this case checks two kinds
		expect(db.prepare("SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL").get()).toEqual({ n: 2 });
		db.exec(localProjectSql({ write: "other_write_key_0000", read: DEFAULT_READ_KEY }, 3));
		const live = db.prepare("SELECT kind, key_hash FROM api_keys WHERE revoked_at IS NULL ORDER BY kind").all();
		expect(live).toEqual([
			{ kind: "read", key_hash: await hashApiKey(DEFAULT_READ_KEY) },
			{ kind: "write", key_hash: await hashApiKey("other_write_key_0000") },
		]);
		expect(JSON.stringify(db.prepare("SELECT * FROM api_keys").all())).not.toContain(DEFAULT_READ_KEY);
	});
});
